import { createTheme } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'md',
  fontFamily: 'Inter, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontWeight: '650' },
  components: {
    Card: { defaultProps: { withBorder: true, radius: 'md', padding: 'lg' } },
    Paper: { defaultProps: { radius: 'md' } },
  },
});

/** Category colours, shared by the chart and the badges. */
export const CATEGORY_COLORS: Record<string, string> = {
  Infrastructure: '#4c6ef5',
  'User License': '#12b886',
  Usage: '#fab005',
};

export const CATEGORY_BADGE: Record<string, string> = {
  Infrastructure: 'indigo',
  'User License': 'teal',
  Usage: 'yellow',
};
