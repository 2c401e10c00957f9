import { type PickerProps, SearchSelect, type SearchOption } from '@/components/SearchSelect';
import { providerOptionsQueryOptions } from './api/get-providers';

export const NEW_PROVIDER_PREFIX = 'new:';

/** "+ Add provider “…”" when the typed name is not one of the providers found. */
function addProviderOption(typed: string, found: SearchOption[]): SearchOption[] {
  if (!typed || found.some((option) => option.label.toLowerCase() === typed.toLowerCase())) return [];
  return [{ value: `${NEW_PROVIDER_PREFIX}${typed}`, label: `+ Add provider “${typed}”`, chosenLabel: typed }];
}

type ProviderSelectProps = PickerProps & {
  /** Offer "Add provider “…”": the value is then `new:<name>`, and the caller creates that provider. */
  creatable?: boolean;
};

/** Provider picker that searches `GET /providers?q=` as the admin types. */
export function ProviderSelect({ creatable = false, label = 'Provider', ...props }: ProviderSelectProps) {
  return (
    <SearchSelect
      label={label}
      options={providerOptionsQueryOptions}
      extraOptions={creatable ? addProviderOption : undefined}
      nothingFoundMessage={creatable ? 'Type a name to add a provider' : 'No such provider'}
      {...props}
    />
  );
}
