import {
  Anchor, Card, Group, Stack, Text, Title,
} from '@mantine/core';
import { IconPigMoney } from '@tabler/icons-react';
import { Link } from 'react-router-dom';
import { MoneyText } from '@/components/MoneyText';
import { ErrorState, PageLoader } from '@/components/PageStates';
import { toChartNumber } from '@/lib/format';
import { useBudgetStatus } from './api/get-budget-status';
import { BudgetBar, spentColor } from './BudgetBar';

/** Budgets shown on the dashboard: the furthest gone. */
export const CARD_BUDGETS = 3;

/** The dashboard's card: this month's budgets that have gone furthest, each with its bar. */
export function BudgetsCard() {
  // The server's current month (no year and month sent).
  const query = useBudgetStatus(null);
  // Ordered by the server's percent (read as a number only to sort); the same percent keeps the server's order.
  const worst = [...(query.data ?? [])]
    .sort((a, b) => toChartNumber(b.percent_spent) - toChartNumber(a.percent_spent))
    .slice(0, CARD_BUDGETS);
  const total = query.data?.length ?? 0;
  return (
    <Card component="section" aria-labelledby="budgets-title">
      <Group justify="space-between" mb="xs" gap="xs">
        <Group gap="xs">
          <IconPigMoney size={20} />
          <Title order={2} fz="lg" id="budgets-title">Budgets</Title>
        </Group>
        <Anchor component={Link} to="/budgets" size="sm">
          {total > CARD_BUDGETS ? `All ${total} budgets` : 'All budgets'}
        </Anchor>
      </Group>
      {query.isPending && <PageLoader />}
      {query.isError && <ErrorState error={query.error} onRetry={() => query.refetch()} />}
      {query.isSuccess && total === 0 && (
        <Text size="sm" c="dimmed">
          {'No budget yet. '}
          <Anchor component={Link} to="/budgets" size="sm">Set a monthly limit</Anchor>
          {' to be told at 80 % and 100 %.'}
        </Text>
      )}
      {worst.length > 0 && (
        <Stack gap="sm">
          {worst.map((status) => {
            const color = spentColor(status);
            return (
              <div key={status.budget_id}>
                <Group justify="space-between" wrap="nowrap" gap="sm">
                  <Text size="sm" fw={600} truncate>{status.name}</Text>
                  <Text size="sm" fw={700} c={color === 'teal' ? undefined : `${color}.7`} style={{ flexShrink: 0 }}>
                    {`${status.percent_spent} %`}
                  </Text>
                </Group>
                <BudgetBar status={status} compact />
                <Text size="xs" c="dimmed" mt={2}>
                  <MoneyText value={status.spent} currency={status.currency} size="xs" />
                  {' of '}
                  <MoneyText value={status.amount} currency={status.currency} size="xs" />
                  {` · forecast ${status.percent_forecast} %`}
                </Text>
              </div>
            );
          })}
        </Stack>
      )}
    </Card>
  );
}
