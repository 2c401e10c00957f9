import { Text, type TextProps } from '@mantine/core';
import { DEFAULT_CURRENCY } from '@/lib/currencies';
import { formatMoney, isNegative } from '@/lib/format';

interface MoneyTextProps extends TextProps {
  value: string | null | undefined;
  currency?: string | null;
  /** Colour negative amounts red. */
  signed?: boolean;
}

/** A decimal string from the API, in its currency. */
export function MoneyText({
  value, currency, signed = false, ...props
}: MoneyTextProps) {
  return (
    <Text
      span
      size="sm"
      c={signed && isNegative(value) ? 'red' : undefined}
      style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}
      {...props}
    >
      {formatMoney(value, currency ?? DEFAULT_CURRENCY)}
    </Text>
  );
}
