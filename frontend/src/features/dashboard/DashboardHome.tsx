import {
  Alert, Card, Group, SimpleGrid, Stack, Text, Title,
} from '@mantine/core';
import dayjs from 'dayjs';
import { IconInfoCircle } from '@tabler/icons-react';
import { ErrorState, PageLoader } from '@/components/PageStates';
import { PageHeader } from '@/components/PageHeader';
import { formatMoney, formatYearMonth, toMonthParam } from '@/lib/format';
import { useLicenses } from '@/features/licenses/api/get-licenses';
import { CommitmentsCard, LowBalanceCard } from './AlertLists';
import { KpiCards } from './KpiCards';
import { SpendChart } from './SpendChart';
import { useLowBalanceAlerts } from './api/get-low-balance-alerts';
import { useSummarySeries } from './api/get-summary-series';

/** 13 months: the 12 plotted, plus the same month last year for the YoY delta. */
function seriesRange(today = dayjs()) {
  return { start: toMonthParam(today.subtract(12, 'month')), end: toMonthParam(today) };
}

export function DashboardHome() {
  const { start, end } = seriesRange();
  const series = useSummarySeries(start, end);
  const licenses = useLicenses({ active: true });
  const lowBalance = useLowBalanceAlerts();

  const months = series.data ?? [];
  const current = months.at(-1);
  const lastYear = months.length >= 13 ? months[0] : undefined;
  const plotted = months.slice(-12);
  // Seat counts are integers, not money: summing them here is safe.
  const seats = licenses.data?.reduce((sum, plan) => sum + plan.qty, 0);
  const unconverted = plotted.filter((month) => month.unconverted.length > 0);

  return (
    <Stack gap="lg">
      <PageHeader title="Dashboard" description="Where the money goes, and what needs attention" />
      <KpiCards
        current={current}
        lastYear={lastYear}
        seats={seats}
        licensesLoading={licenses.isPending}
        lowBalanceCount={lowBalance.data?.length}
        lowBalanceLoading={lowBalance.isPending}
        seriesLoading={series.isPending}
      />
      <Card component="section" aria-labelledby="spend-title">
        <Group justify="space-between" mb="sm" gap="xs">
          <Title order={2} fz="lg" id="spend-title">Monthly spend by category</Title>
          {plotted.length > 0 && (
            <Text size="sm" c="dimmed">
              {`${formatYearMonth(plotted[0]!.year, plotted[0]!.month)} – ${formatYearMonth(current!.year, current!.month)} · ${current!.currency}`}
            </Text>
          )}
        </Group>
        {series.isPending && <PageLoader label="Loading spend…" />}
        {series.isError && <ErrorState error={series.error} onRetry={() => series.refetch()} />}
        {series.isSuccess && plotted.length > 0 && <SpendChart series={plotted} currency={current!.currency} />}
        {unconverted.length > 0 && (
          <Alert mt="md" variant="light" color="yellow" icon={<IconInfoCircle size={18} />} title="Amounts left out of the totals">
            {unconverted.map((month) => (
              <Text size="sm" key={`${month.year}-${month.month}`}>
                {`${formatYearMonth(month.year, month.month)}: `}
                {month.unconverted.map((u) => formatMoney(u.amount, u.currency)).join(', ')}
                {' (no exchange rate to '}
                {month.currency}
                )
              </Text>
            ))}
          </Alert>
        )}
      </Card>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <CommitmentsCard />
        <LowBalanceCard />
      </SimpleGrid>
    </Stack>
  );
}
