/**
 * A select that searches on the server: what is typed goes (debounced) to a
 * query such as `GET /providers?q=…&limit=20`, so that a dropdown never
 * downloads a whole table. Nothing is loaded before the dropdown first opens.
 */
import { type ComponentType, useState } from 'react';
import {
  Loader, Select, type ComboboxItem, type SelectProps,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import {
  keepPreviousData, type QueryKey, useQuery, type UseQueryOptions,
} from '@tanstack/react-query';

export interface SearchOption {
  value: string;
  label: string;
  /** Shown in the box once chosen, if not the label (e.g. "Hetzner" for "+ Add provider “Hetzner”"). */
  chosenLabel?: string;
}

/** Props of any server-searching picker (a provider, a service...). */
export type PickerProps = Omit<
  SelectProps, 'data' | 'searchable' | 'searchValue' | 'onSearchChange' | 'onChange' | 'value' | 'filter'
> & {
  value?: string | null;
  onChange?: (value: string | null, option: SearchOption | null) => void;
  /** The label of the current value, shown before any search (e.g. "AWS" for provider 1). */
  selectedLabel?: string | null;
};

/** A picker component that a route hands to a feature (features never import each other). */
export type Picker = ComponentType<PickerProps>;

/** How many options a search shows. */
export const SEARCH_LIMIT = 20;

export interface SearchSelectProps<TQueryFnData, TQueryKey extends QueryKey> extends PickerProps {
  /** Query options for the options matching a search text ('' for the first ones). */
  options: (search: string) => UseQueryOptions<TQueryFnData, Error, SearchOption[], TQueryKey>;
  /** Options added after the results, from the typed text (e.g. "+ Add provider “…”"). */
  extraOptions?: (search: string, results: SearchOption[]) => SearchOption[];
}

// The server has filtered already; Mantine must not filter again.
const serverFiltered: SelectProps['filter'] = ({ options }) => options;

export function SearchSelect<TQueryFnData, TQueryKey extends QueryKey>({
  options, extraOptions, value = null, onChange, selectedLabel, nothingFoundMessage = 'Nothing found',
  onDropdownOpen, ...props
}: SearchSelectProps<TQueryFnData, TQueryKey>) {
  const [search, setSearch] = useState('');
  const [picked, setPicked] = useState<SearchOption | null>(null);
  const [opened, setOpened] = useState(false);

  let selected: SearchOption | null = null;
  if (picked && picked.value === value) selected = picked;
  else if (value && selectedLabel) selected = { value, label: selectedLabel };

  // The selected option's own text in the box is not a search: list the first options.
  const typed = selected && search === selected.label ? '' : search.trim();
  const [debounced] = useDebouncedValue(typed, 250);
  const base = options(debounced);
  const results = useQuery({ ...base, placeholderData: keepPreviousData, enabled: opened && base.enabled !== false });

  const found = results.data ?? [];
  const data: SearchOption[] = [...found];
  // Mantine shows `label`; a chosen extra option shows its chosenLabel from then on (as `selected`).
  if (selected && !found.some((option) => option.value === selected.value)) data.unshift(selected);
  extraOptions?.(typed, found).forEach((option) => {
    if (!data.some((existing) => existing.value === option.value)) data.push(option);
  });

  const searching = opened && (results.isFetching || typed !== debounced);
  return (
    <Select
      searchable
      data={data}
      value={value}
      onChange={(next: string | null, option: ComboboxItem | null) => {
        const known = data.find((item) => item.value === next);
        const label = known?.chosenLabel ?? known?.label ?? option?.label;
        const chosen = next && label ? { value: next, label } : null;
        setPicked(chosen);
        onChange?.(next, chosen);
      }}
      searchValue={search}
      onSearchChange={setSearch}
      filter={serverFiltered}
      onDropdownOpen={() => {
        setOpened(true);
        onDropdownOpen?.();
      }}
      nothingFoundMessage={searching ? 'Searching…' : nothingFoundMessage}
      rightSection={searching ? <Loader size={14} /> : undefined}
      comboboxProps={{ withinPortal: true }}
      {...props}
    />
  );
}
