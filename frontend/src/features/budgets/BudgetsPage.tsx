import { Fragment, useState } from 'react';
import {
  Button, Card, Divider, Group, Select, Stack, Text, Title,
} from '@mantine/core';
import { IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import dayjs from 'dayjs';
import { useSearchParams } from 'react-router-dom';
import type { Budget, BudgetStatus } from '@/api/types';
import { confirmDestructive } from '@/components/confirm';
import { MoneyText } from '@/components/MoneyText';
import { PageHeader } from '@/components/PageHeader';
import { EmptyState, ErrorState, PageLoader } from '@/components/PageStates';
import type { Picker } from '@/components/SearchSelect';
import { formatDate, formatYearMonth } from '@/lib/format';
import { useDeleteBudget } from './api/delete-budget';
import { useBudgetStatus } from './api/get-budget-status';
import { useBudgets } from './api/get-budgets';
import { BudgetBar, spentColor, ThresholdBadges } from './BudgetBar';
import { BudgetFormModal } from './BudgetFormModal';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** This month and the 11 before it, newest first, as "YYYY-MM" options (plus `extra`, e.g. from a link). */
export function monthOptions(extra?: string, today = dayjs()) {
  const options = Array.from({ length: 12 }, (_, i) => {
    const d = today.subtract(i, 'month');
    return { value: d.format('YYYY-MM'), label: formatYearMonth(d.year(), d.month() + 1) };
  });
  const match = extra ? MONTH.exec(extra) : null;
  if (match && extra && !options.some((option) => option.value === extra)) {
    options.push({ value: extra, label: formatYearMonth(Number(match[1]), Number(match[2])) });
  }
  return options;
}

const SCOPE_WORDS: Record<BudgetStatus['scope'], string> = {
  total: 'All spend',
  category: 'Category',
  service: 'Service',
};

interface BudgetRowProps {
  status: BudgetStatus;
  budget: Budget | undefined;
  onEdit: (budget: Budget) => void;
}

function BudgetRow({ status, budget, onEdit }: BudgetRowProps) {
  const { mutate: remove } = useDeleteBudget();
  const color = spentColor(status);
  return (
    <Stack component="section" aria-label={status.name} gap={6} py="sm">
      <Group justify="space-between" align="flex-start" gap="sm">
        <div style={{ minWidth: 0 }}>
          <Group gap={8}>
            <Title order={2} fz="md">{status.name}</Title>
            <Text size="xs" c="dimmed">
              {status.scope === 'total' ? SCOPE_WORDS.total : `${SCOPE_WORDS[status.scope]} · ${status.subject}`}
            </Text>
          </Group>
          <Text size="sm" mt={2}>
            <MoneyText value={status.spent} currency={status.currency} fw={600} />
            {' of '}
            <MoneyText value={status.amount} currency={status.currency} />
            {' · '}
            <Text span size="sm" fw={700} c={color === 'teal' ? undefined : `${color}.7`}>{`${status.percent_spent} %`}</Text>
            {' spent'}
          </Text>
          <Text size="xs" c="dimmed">
            {'Forecast '}
            <MoneyText value={status.forecast} currency={status.currency} size="xs" />
            {` · ${status.percent_forecast} % by the month’s end`}
          </Text>
        </div>
        <Group gap={4} wrap="nowrap">
          <Button
            size="xs"
            variant="subtle"
            leftSection={<IconPencil size={14} />}
            disabled={!budget}
            onClick={() => budget && onEdit(budget)}
            aria-label={`Edit ${status.name}`}
          >
            Edit
          </Button>
          <Button
            size="xs"
            variant="subtle"
            color="red"
            leftSection={<IconTrash size={14} />}
            aria-label={`Delete ${status.name}`}
            onClick={() => confirmDestructive({
              title: `Delete the budget “${status.name}”?`,
              message: 'Its thresholds stop opening alerts. The alerts it has opened stay in the inbox.',
              confirmLabel: 'Delete budget',
              onConfirm: () => remove(status.budget_id),
            })}
          >
            Delete
          </Button>
        </Group>
      </Group>
      <BudgetBar status={status} />
      <ThresholdBadges status={status} />
    </Stack>
  );
}

interface BudgetsPageProps {
  /** Pickers handed in by the route (features never import each other). */
  CategoryPicker: Picker;
  ServicePicker: Picker;
}

interface FormState { opened: boolean; budget: Budget | null }

/** /budgets: each budget's month (`?month=YYYY-MM`, default this one) as a bar, and the budgets' form. */
export function BudgetsPage({ CategoryPicker, ServicePicker }: BudgetsPageProps) {
  const [params, setParams] = useSearchParams();
  const asked = params.get('month') ?? '';
  const options = monthOptions(asked);
  const month = options.some((option) => option.value === asked) ? asked : options[0]!.value;
  const [year, number] = month.split('-').map(Number) as [number, number];
  const status = useBudgetStatus({ year, month: number });
  const budgets = useBudgets();
  const [form, setForm] = useState<FormState>({ opened: false, budget: null });
  const byId = new Map((budgets.data?.rows ?? []).map((budget) => [budget.id, budget]));
  const currency = status.data?.[0]?.currency ?? budgets.data?.rows[0]?.currency;
  const create = () => setForm({ opened: true, budget: null });

  let body;
  if (status.isPending) {
    body = <PageLoader label="Loading budgets…" />;
  } else if (status.isError) {
    body = <ErrorState error={status.error} onRetry={() => status.refetch()} />;
  } else if (status.data.length === 0) {
    body = (
      <EmptyState
        title="No budgets yet"
        action={<Button leftSection={<IconPlus size={16} />} onClick={create}>New budget</Button>}
      >
        A budget is a monthly limit on all spend, a category or a service. Its thresholds (80 % and
        100 % by default) open an alert when the month’s spend reaches them.
      </EmptyState>
    );
  } else {
    body = (
      <Stack gap={0} style={{ opacity: status.isPlaceholderData ? 0.6 : 1 }} aria-busy={status.isFetching}>
        {status.data.map((row, index) => (
          <Fragment key={row.budget_id}>
            {index > 0 && <Divider />}
            <BudgetRow
              status={row}
              budget={byId.get(row.budget_id)}
              onEdit={(budget) => setForm({ opened: true, budget })}
            />
          </Fragment>
        ))}
        <Text size="xs" c="dimmed" mt="xs">
          {`Spent as of ${formatDate(status.data[0]!.as_of)}. The lighter striped part is what the forecast adds by the`}
          {' month’s end; a filled threshold is crossed, an outlined one is expected to be.'}
        </Text>
      </Stack>
    );
  }

  return (
    <>
      <PageHeader
        title="Budgets"
        description="Monthly limits on all spend, a category or a service, with the forecast and thresholds"
        actions={(
          <>
            <Select
              aria-label="Month"
              data={options}
              value={month}
              onChange={(value) => {
                // This month is the default: its address has no ?month.
                if (value) setParams(value === options[0]!.value ? {} : { month: value }, { replace: true });
              }}
              allowDeselect={false}
              w={140}
            />
            <Button leftSection={<IconPlus size={16} />} onClick={create}>New budget</Button>
          </>
        )}
      />
      <Card>{body}</Card>
      <BudgetFormModal
        opened={form.opened}
        onClose={() => setForm((old) => ({ ...old, opened: false }))}
        budget={form.budget}
        currency={currency}
        CategoryPicker={CategoryPicker}
        ServicePicker={ServicePicker}
      />
    </>
  );
}
