import { Text, type TextProps } from '@mantine/core';
import { formatMonth } from '@/lib/format';

/** A month ("2025-07-01") shown as "Jul 2025", with the ISO date as tooltip. */
export function MonthText({ value, ...props }: TextProps & { value: string | null | undefined }) {
  return (
    <Text span size="sm" title={value ?? undefined} style={{ whiteSpace: 'nowrap' }} {...props}>
      {formatMonth(value)}
    </Text>
  );
}
