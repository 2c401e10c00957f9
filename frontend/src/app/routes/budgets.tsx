/**
 * /budgets: the budgets feature, handed a category picker and a service picker
 * from the services feature (a feature never imports another; the route composes them).
 */
import { Select } from '@mantine/core';
import type { PickerProps } from '@/components/SearchSelect';
import { BudgetsPage } from '@/features/budgets/BudgetsPage';
import { useCategories } from '@/features/services/api/get-categories';
import { ServiceSelect } from '@/features/services/ServiceSelect';

/** The three fixed categories: a plain select (nothing to search). */
function CategoryPicker({ onChange, selectedLabel, ...props }: PickerProps) {
  const categories = useCategories();
  const data = (categories.data ?? []).map((category) => ({ value: String(category.id), label: category.name }));
  return (
    <Select
      data={data}
      allowDeselect={false}
      placeholder={selectedLabel ?? 'Choose a category'}
      comboboxProps={{ withinPortal: true }}
      onChange={(value, option) => onChange?.(value, option ? { value: option.value, label: option.label } : null)}
      {...props}
    />
  );
}

export function Component() {
  return <BudgetsPage CategoryPicker={CategoryPicker} ServicePicker={ServiceSelect} />;
}
