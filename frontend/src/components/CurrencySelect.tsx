import { Select, type SelectProps } from '@mantine/core';
import { currencyOptions, DEFAULT_CURRENCY } from '@/lib/currencies';

type CurrencySelectProps = Omit<SelectProps, 'data' | 'onChange' | 'value'> & {
  value?: string;
  onChange?: (value: string) => void;
};

/** ISO 4217 currency picker; defaults to USD and cannot be emptied. */
export function CurrencySelect({
  value, onChange, label = 'Currency', ...props
}: CurrencySelectProps) {
  return (
    <Select
      label={label}
      data={currencyOptions()}
      value={value ?? DEFAULT_CURRENCY}
      onChange={(next) => onChange?.(next ?? DEFAULT_CURRENCY)}
      searchable
      allowDeselect={false}
      nothingFoundMessage="No such currency"
      comboboxProps={{ withinPortal: true }}
      {...props}
    />
  );
}
