import { TextInput, type TextInputProps } from '@mantine/core';

/**
 * A money field that keeps the amount as the text typed ("1234.50"): it is sent
 * to the API as a decimal string, never through a float.
 */
export function MoneyInput({ currency, ...props }: TextInputProps & { currency?: string }) {
  return (
    <TextInput
      inputMode="decimal"
      autoComplete="off"
      placeholder="0.00"
      rightSection={currency ? <span style={{ fontSize: 12, opacity: 0.7 }}>{currency}</span> : undefined}
      rightSectionWidth={currency ? 48 : undefined}
      {...props}
    />
  );
}
