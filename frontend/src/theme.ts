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

/** Category colours by the category's stable code, shared by the chart and the badges. */
export const CATEGORY_COLORS: Record<string, string> = {
  infrastructure: '#4c6ef5',
  license: '#12b886',
  usage: '#fab005',
};

export const CATEGORY_BADGE: Record<string, string> = {
  infrastructure: 'indigo',
  license: 'teal',
  usage: 'yellow',
};
