/** /: the dashboard, composed from the dashboard feature's self-loading cards. */
import {
  Group, SegmentedControl, SimpleGrid, Stack,
} from '@mantine/core';
import { useSearchParams } from 'react-router-dom';
import type { SummaryView } from '@/api/types';
import { PageHeader } from '@/components/PageHeader';
import { OpenAlertsButton } from '@/features/alerts/OpenAlerts';
import { BudgetsCard } from '@/features/budgets/BudgetsCard';
import { CommitmentsCard, LowBalanceCard, RunoutsCard } from '@/features/dashboard/AlertLists';
import { KpiCards } from '@/features/dashboard/KpiCards';
import { SpendCard } from '@/features/dashboard/SpendCard';

export function Component() {
  // The view is in the address (?view=cash), so that a reload or a shared link keeps it.
  const [params, setParams] = useSearchParams();
  const view: SummaryView = params.get('view') === 'cash' ? 'cash' : 'accrual';
  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end" gap="sm">
        <PageHeader title="Dashboard" description="Where the money goes, and what needs attention" />
        <Group gap="sm">
          <OpenAlertsButton />
          <SegmentedControl
            aria-label="Costs view"
            value={view}
            onChange={(next) => setParams(next === 'cash' ? { view: 'cash' } : {}, { replace: true })}
            data={[
              { value: 'accrual', label: 'Accrual' },
              { value: 'cash', label: 'Cash' },
            ]}
          />
        </Group>
      </Group>
      <KpiCards view={view} />
      <SpendCard view={view} />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <BudgetsCard />
        <RunoutsCard />
        <CommitmentsCard />
        <LowBalanceCard />
      </SimpleGrid>
    </Stack>
  );
}
