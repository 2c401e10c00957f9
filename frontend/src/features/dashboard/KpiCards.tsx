import type { ReactNode } from 'react';
import {
  Badge, Card, Group, SimpleGrid, Skeleton, Text, ThemeIcon,
} from '@mantine/core';
import {
  IconAlertTriangle, IconArrowDownRight, IconArrowUpRight, IconCalendarDollar, IconTrendingUp, IconUsers,
} from '@tabler/icons-react';
import type { Summary } from '@/api/types';
import {
  formatMoney, formatPercent, formatYearMonth, percentChange,
} from '@/lib/format';

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

interface KpiCardsProps {
  current?: Summary;
  lastYear?: Summary;
  seats?: number;
  licensesLoading: boolean;
  lowBalanceCount?: number;
  lowBalanceLoading: boolean;
  seriesLoading: boolean;
}

export function KpiCards({
  current, lastYear, seats, licensesLoading, lowBalanceCount, lowBalanceLoading, seriesLoading,
}: KpiCardsProps) {
  const change = current && lastYear ? percentChange(current.total, lastYear.total) : null;
  let yoyValue: ReactNode = '–';
  let yoyColor = 'gray';
  if (change !== null) {
    yoyValue = formatPercent(change);
    // More spend is bad news for a cost dashboard.
    yoyColor = change > 0 ? 'red' : 'teal';
  }
  return (
    <SimpleGrid cols={{ base: 1, xs: 2, lg: 4 }} spacing="md">
      <KpiCard
        title="Spend this month"
        value={current ? formatMoney(current.total, current.currency) : '–'}
        hint={current ? formatYearMonth(current.year, current.month) : undefined}
        icon={<IconCalendarDollar size={22} />}
        color="indigo"
        loading={seriesLoading}
      />
      <KpiCard
        title="Year over year"
        value={(
          <Group gap={6} wrap="nowrap">
            {change !== null && (change > 0 ? <IconArrowUpRight size={22} color="var(--mantine-color-red-6)" /> : <IconArrowDownRight size={22} color="var(--mantine-color-teal-6)" />)}
            <Text span inherit c={change !== null ? yoyColor : undefined}>{yoyValue}</Text>
          </Group>
        )}
        hint={lastYear ? `vs ${formatMoney(lastYear.total, lastYear.currency)} in ${formatYearMonth(lastYear.year, lastYear.month)}` : 'No data for last year'}
        icon={<IconTrendingUp size={22} />}
        color={yoyColor === 'gray' ? 'gray' : yoyColor}
        loading={seriesLoading}
      />
      <KpiCard
        title="Licenses in force"
        value={seats ?? '–'}
        hint="Seats across all current plans"
        icon={<IconUsers size={22} />}
        color="teal"
        loading={licensesLoading}
      />
      <KpiCard
        title="Low-balance alerts"
        value={(
          <Group gap={8} wrap="nowrap">
            <span>{lowBalanceCount ?? '–'}</span>
            {lowBalanceCount !== undefined && lowBalanceCount > 0 && <Badge color="orange" variant="light">Top up</Badge>}
          </Group>
        )}
        hint="Usage services under 20 % of their last top-up"
        icon={<IconAlertTriangle size={22} />}
        color={lowBalanceCount ? 'orange' : 'gray'}
        loading={lowBalanceLoading}
      />
    </SimpleGrid>
  );
}
