import type { ReactNode } from 'react';
import {
  Badge, Card, Group, SimpleGrid, Skeleton, Text, ThemeIcon,
} from '@mantine/core';
import {
  IconAlertTriangle, IconArrowDownRight, IconArrowUpRight, IconCalendarDollar, IconTrendingUp, IconUsers,
} from '@tabler/icons-react';
import { ErrorState } from '@/components/PageStates';
import {
  formatMoney, formatPercent, formatYearMonth, signOf,
} from '@/lib/format';
import type { SummaryView } from '@/api/types';
import { useForecast } from './api/get-forecast';
import { useOverview } from './api/get-overview';

interface KpiCardProps {
  title: string;
  value: ReactNode;
  hint?: ReactNode;
  icon: ReactNode;
  color: string;
  loading?: boolean;
}

function KpiCard({
  title, value, hint, icon, color, loading,
}: KpiCardProps) {
  return (
    <Card component="section" aria-label={title} padding="md">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <div style={{ minWidth: 0 }}>
          <Text size="xs" c="dimmed" tt="uppercase" fw={700}>{title}</Text>
          {loading ? <Skeleton h={30} w={120} mt={6} /> : (
            <Text component="div" fz={26} fw={700} lh={1.3} mt={4} style={{ whiteSpace: 'nowrap' }}>{value}</Text>
          )}
        </div>
        <ThemeIcon size={42} radius="md" variant="light" color={color}>{icon}</ThemeIcon>
      </Group>
      {hint && !loading && <Text size="xs" c="dimmed" mt={6} component="div">{hint}</Text>}
    </Card>
  );
}

/** The four headline numbers, all from `GET /summary/overview` (the browser computes none of them). */
export function KpiCards({ view = 'accrual' }: { view?: SummaryView }) {
  const overview = useOverview(view);
  const forecast = useForecast(view);
  if (overview.isError) {
    return <ErrorState error={overview.error} title="Could not load the overview" onRetry={() => overview.refetch()} />;
  }
  const loading = overview.isPending;
  const { data } = overview;
  const current = data?.this_month;
  const lastYear = data?.same_month_last_year;
  const change = data?.change_percent ?? null;
  const direction = change === null ? 0 : signOf(change);
  let yoyValue: ReactNode = '–';
  let yoyColor = 'gray';
  if (change !== null) {
    yoyValue = formatPercent(change);
    // More spend is bad news for a cost dashboard.
    yoyColor = direction > 0 ? 'red' : 'teal';
  }
  const lowBalanceCount = data?.low_balance_count;
  return (
    <SimpleGrid cols={{ base: 1, xs: 2, lg: 4 }} spacing="md">
      <KpiCard
        title="Spend this month"
        value={current ? formatMoney(current.total, current.currency) : '–'}
        hint={current ? (
          <>
            <Text span size="sm" fw={600} c="indigo" data-testid="month-forecast">
              {forecast.data ? `Forecast ${formatMoney(forecast.data.forecast, forecast.data.currency)}` : 'Forecast –'}
            </Text>
            {` by month end · ${formatYearMonth(current.year, current.month)}${view === 'cash' ? ' · cash view' : ''}`}
          </>
        ) : undefined}
        icon={<IconCalendarDollar size={22} />}
        color="indigo"
        loading={loading}
      />
      <KpiCard
        title="Year over year"
        value={(
          <Group gap={6} wrap="nowrap">
            {change !== null && (direction > 0 ? <IconArrowUpRight size={22} color="var(--mantine-color-red-6)" /> : <IconArrowDownRight size={22} color="var(--mantine-color-teal-6)" />)}
            <Text span inherit c={change !== null ? yoyColor : undefined}>{yoyValue}</Text>
          </Group>
        )}
        hint={lastYear && change !== null ? `vs ${formatMoney(lastYear.total, lastYear.currency)} in ${formatYearMonth(lastYear.year, lastYear.month)}` : 'No data for last year'}
        icon={<IconTrendingUp size={22} />}
        color={yoyColor}
        loading={loading}
      />
      <KpiCard
        title="Licenses in force"
        value={data?.seats_in_force ?? '–'}
        hint={data && data.commitments_due > 0
          ? `Seats across all current plans · ${data.commitments_due} commitment(s) ending soon`
          : 'Seats across all current plans'}
        icon={<IconUsers size={22} />}
        color="teal"
        loading={loading}
      />
      <KpiCard
        title="Low-balance alerts"
        value={(
          <Group gap={8} wrap="nowrap">
            <span>{lowBalanceCount ?? '–'}</span>
            {lowBalanceCount !== undefined && lowBalanceCount > 0 && <Badge color="orange" variant="light">Top up</Badge>}
          </Group>
        )}
        hint={data ? `Usage services under ${data.low_balance_percent} % of their last top-up` : undefined}
        icon={<IconAlertTriangle size={22} />}
        color={lowBalanceCount ? 'orange' : 'gray'}
        loading={loading}
      />
    </SimpleGrid>
  );
}
