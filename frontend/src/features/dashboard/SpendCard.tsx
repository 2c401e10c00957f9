import {
  Alert, Card, Group, Text, Title,
} from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import dayjs from 'dayjs';
import { downloadCsv } from '@/api/csv';
import { ExportCsvButton } from '@/components/ExportCsvButton';
import { ErrorState, PageLoader } from '@/components/PageStates';
import { formatMoney, formatYearMonth, toMonthParam } from '@/lib/format';
import { useSummarySeries } from './api/get-summary-series';
import { SpendChart } from './SpendChart';

/** The 12 months plotted: this month and the 11 before it. */
function seriesRange(today = dayjs()) {
  return { start: toMonthParam(today.subtract(11, 'month')), end: toMonthParam(today) };
}

/** Monthly spend by category over the last 12 months, and what could not be converted. */
export function SpendCard() {
  const { start, end } = seriesRange();
  const series = useSummarySeries(start, end);
  const months = series.data ?? [];
  const first = months[0];
  const current = months.at(-1);
  const unconverted = months.filter((month) => month.unconverted.length > 0);

  return (
    <Card component="section" aria-labelledby="spend-title">
      <Group justify="space-between" mb="sm" gap="xs">
        <Title order={2} fz="lg" id="spend-title">Monthly spend by category</Title>
        <Group gap="sm">
          {first && current && (
            <Text size="sm" c="dimmed">
              {`${formatYearMonth(first.year, first.month)} – ${formatYearMonth(current.year, current.month)} · ${current.currency}`}
            </Text>
          )}
          <ExportCsvButton what="monthly spend" onExport={() => downloadCsv('/summary/series', { start, end })} />
        </Group>
      </Group>
      {series.isPending && <PageLoader label="Loading spend…" />}
      {series.isError && <ErrorState error={series.error} onRetry={() => series.refetch()} />}
      {current && <SpendChart series={months} currency={current.currency} />}
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
  );
}
