import { useState } from 'react';
import { Select, type SelectProps } from '@mantine/core';
import type { Provider } from '@/api/types';

export const NEW_PROVIDER_PREFIX = 'new:';

type ProviderSelectProps = Omit<SelectProps, 'data' | 'searchValue' | 'onSearchChange'> & {
  providers: Provider[];
  /** Offer "Add provider “…”" when the typed name is not a known provider. */
  creatable?: boolean;
};

/**
 * Provider picker. With `creatable`, its value may be `new:<name>`: the caller
 * creates that provider before saving the service.
 */
export function ProviderSelect({ providers, creatable = false, ...props }: ProviderSelectProps) {
  const [search, setSearch] = useState('');
  const options = providers
    .map((provider) => ({ value: String(provider.id), label: provider.name }))
    .sort((a, b) => a.label.localeCompare(b.label));
  const typed = search.trim();
  const known = options.some((option) => option.label.toLowerCase() === typed.toLowerCase());
  const selectedNew = typeof props.value === 'string' && props.value.startsWith(NEW_PROVIDER_PREFIX)
    ? props.value.slice(NEW_PROVIDER_PREFIX.length) : null;
  if (creatable && selectedNew) {
    options.push({ value: `${NEW_PROVIDER_PREFIX}${selectedNew}`, label: selectedNew });
  }
  if (creatable && typed && !known && typed !== selectedNew) {
    options.push({ value: `${NEW_PROVIDER_PREFIX}${typed}`, label: `+ Add provider “${typed}”` });
  }
  return (
    <Select
      label="Provider"
      searchable
      data={options}
      searchValue={search}
      onSearchChange={setSearch}
      nothingFoundMessage={creatable ? 'Type a name to add a provider' : 'No such provider'}
      comboboxProps={{ withinPortal: true }}
      {...props}
    />
  );
}
