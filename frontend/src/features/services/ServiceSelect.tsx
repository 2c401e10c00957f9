import type { CategoryCode } from '@/api/types';
import { type PickerProps, SearchSelect } from '@/components/SearchSelect';
import { useCategories } from './api/get-categories';
import { serviceOptionsQueryOptions } from './api/get-services';

type ServiceSelectProps = PickerProps & {
  /** Only services of this category (by its stable code). */
  categoryCode?: CategoryCode;
};

/** Active-service picker that searches `GET /service?q=` (in one category if given) as the admin types. */
export function ServiceSelect({ categoryCode, label = 'Service', ...props }: ServiceSelectProps) {
  const categories = useCategories();
  let categoryId: number | null | undefined;
  if (categoryCode) categoryId = categories.data?.find((category) => category.code === categoryCode)?.id ?? null;
  return (
    <SearchSelect
      label={label}
      options={(search) => serviceOptionsQueryOptions(search, categoryId)}
      nothingFoundMessage="No such service"
      {...props}
    />
  );
}
