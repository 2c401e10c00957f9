import {
  Button, Group, Input, Modal, SegmentedControl, Stack, TagsInput, TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import type {
  Budget, BudgetCreate, BudgetScope, BudgetUpdate,
} from '@/api/types';
import { MoneyInput } from '@/components/MoneyInput';
import type { Picker } from '@/components/SearchSelect';
import { fieldErrorsOf, moneyError, requiredError } from '@/lib/validation';
import { useSaveBudget } from './api/save-budget';

/** The thresholds a new budget starts with (the API's default too). */
export const DEFAULT_THRESHOLDS = [80, 100];
const MAX_THRESHOLDS = 10;

export const SCOPE_LABELS: Record<BudgetScope, string> = {
  total: 'All spend',
  category: 'A category',
  service: 'A service',
};

interface BudgetFormValues {
  name: string;
  scope: BudgetScope;
  category: string | null;
  service: string | null;
  amount: string;
  thresholds: string[];
}

function initialValues(budget: Budget | null): BudgetFormValues {
  return {
    name: budget?.name ?? '',
    scope: budget?.scope ?? 'total',
    category: budget?.category_id ? String(budget.category_id) : null,
    service: budget?.service_id ? String(budget.service_id) : null,
    amount: budget?.amount ?? '',
    thresholds: (budget?.thresholds ?? DEFAULT_THRESHOLDS).map(String),
  };
}

/** Whole percents from 1 to 1000, at most 10 of them (as the API takes them). */
export function thresholdsError(values: string[]): string | null {
  if (values.length === 0) return 'Enter at least one threshold, like 80 or 100';
  if (values.length > MAX_THRESHOLDS) return `At most ${MAX_THRESHOLDS} thresholds`;
  const wrong = values.find((value) => !/^\d{1,4}$/.test(value.trim()) || Number(value) < 1 || Number(value) > 1000);
  return wrong === undefined ? null : `“${wrong}” is not a whole percent from 1 to 1000`;
}

/** Sorted, without duplicates: what the server stores. */
function thresholdNumbers(values: string[]): number[] {
  return [...new Set(values.map((value) => Number(value.trim())))].sort((a, b) => a - b);
}

/** The subject ids the scope takes (and only those). */
function subject(values: BudgetFormValues): Pick<BudgetCreate, 'category_id' | 'service_id'> {
  if (values.scope === 'category') return { category_id: Number(values.category) };
  if (values.scope === 'service') return { service_id: Number(values.service) };
  return {};
}

/** Only what differs from the budget; a new scope or subject is sent with its id. */
export function budgetChanges(budget: Budget, values: BudgetFormValues): BudgetUpdate {
  const changes: BudgetUpdate = {};
  if (values.name.trim() !== budget.name) changes.name = values.name.trim();
  const ids = subject(values);
  if (values.scope !== budget.scope
    || (ids.category_id ?? null) !== budget.category_id
    || (ids.service_id ?? null) !== budget.service_id) {
    changes.scope = values.scope;
    Object.assign(changes, ids);
  }
  if (values.amount.trim() !== budget.amount) changes.amount = values.amount.trim();
  const thresholds = thresholdNumbers(values.thresholds);
  if (thresholds.join(',') !== budget.thresholds.join(',')) changes.thresholds = thresholds;
  return changes;
}

interface BudgetFormProps {
  budget: Budget | null;
  currency?: string;
  CategoryPicker: Picker;
  ServicePicker: Picker;
  onDone: () => void;
}

/** Mounted only while its modal is open: every open starts from the budget (or the defaults). */
function BudgetForm({
  budget, currency, CategoryPicker, ServicePicker, onDone,
}: BudgetFormProps) {
  const mutation = useSaveBudget();
  const form = useForm<BudgetFormValues>({
    initialValues: initialValues(budget),
    validate: {
      name: (value) => (value.trim() ? null : 'Enter a name'),
      category: (value, values) => (values.scope === 'category' ? requiredError(value, 'Choose a category') : null),
      service: (value, values) => (values.scope === 'service' ? requiredError(value, 'Choose a service') : null),
      amount: (value) => moneyError(value, { positive: true }),
      thresholds: thresholdsError,
    },
  });
  const { scope } = form.values;

  const submit = form.onSubmit((values) => {
    // The server's 422 lands on the fields it names (the toast says it too).
    const onError = (error: Error) => form.setErrors(
      fieldErrorsOf(error, { category_id: 'category', service_id: 'service' }),
    );
    if (budget) {
      const changes = budgetChanges(budget, values);
      if (Object.keys(changes).length === 0) {
        onDone();
        return;
      }
      mutation.mutate({ id: budget.id, body: changes }, { onSuccess: onDone, onError });
      return;
    }
    const body: BudgetCreate = {
      name: values.name.trim(),
      scope: values.scope,
      ...subject(values),
      amount: values.amount.trim(),
      thresholds: thresholdNumbers(values.thresholds),
    };
    mutation.mutate({ id: null, body }, { onSuccess: onDone, onError });
  });

  return (
    <form onSubmit={submit} noValidate aria-label={budget ? 'Edit budget' : 'New budget'}>
      <Stack gap="sm">
        <TextInput label="Name" required placeholder="e.g. AI tools" data-autofocus {...form.getInputProps('name')} />
        <Input.Wrapper label="Covers" required>
          <SegmentedControl
            fullWidth
            aria-label="Covers"
            mt={4}
            data={(Object.keys(SCOPE_LABELS) as BudgetScope[]).map((value) => ({ value, label: SCOPE_LABELS[value] }))}
            {...form.getInputProps('scope')}
          />
        </Input.Wrapper>
        {scope === 'category' && (
          <CategoryPicker label="Category" required {...form.getInputProps('category')} />
        )}
        {scope === 'service' && (
          <ServicePicker
            label="Service"
            required
            selectedLabel={budget?.scope === 'service' ? budget.subject : null}
            {...form.getInputProps('service')}
          />
        )}
        <MoneyInput
          label="Amount per month"
          required
          currency={currency}
          description="Each calendar month, in the reporting currency."
          {...form.getInputProps('amount')}
        />
        <TagsInput
          label="Thresholds (%)"
          required
          description="Percents of the amount that open an alert when the month’s spend reaches them. Enter or comma to add."
          placeholder={form.values.thresholds.length ? '' : '80, 100'}
          splitChars={[',', ' ', ';']}
          clearable
          {...form.getInputProps('thresholds')}
        />
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onDone}>Cancel</Button>
          <Button type="submit" loading={mutation.isPending}>{budget ? 'Save changes' : 'Create budget'}</Button>
        </Group>
      </Stack>
    </form>
  );
}

interface BudgetFormModalProps extends Omit<BudgetFormProps, 'onDone' | 'budget'> {
  opened: boolean;
  onClose: () => void;
  /** Edit this budget; without it, create a new one. */
  budget?: Budget | null;
}

/** Create a budget, or edit one: name, what it covers, amount and thresholds. */
export function BudgetFormModal({
  opened, onClose, budget = null, ...props
}: BudgetFormModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title={budget ? `Edit “${budget.name}”` : 'New budget'} centered>
      <BudgetForm budget={budget} onDone={onClose} {...props} />
    </Modal>
  );
}
