import {
  Alert, Card, Group, Table, Text, Title,
} from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import dayjs from 'dayjs';
import type { Summary, SummaryView } from '@/api/types';
import { downloadCsv } from '@/api/csv';
import { ExportCsvButton } from '@/components/ExportCsvButton';
import { ErrorState, PageLoader } from '@/components/PageStates';
import { formatMoney, formatYearMonth, toMonthParam } from '@/lib/format';
import { useForecast } from './api/get-forecast';
import { useSummarySeries } from './api/get-summary-series';
import { SpendChart } from './SpendChart';

/** The 12 months plotted: this month and the 11 before it. */
function seriesRange(today = dayjs()) {
  return { start: toMonthParam(today.subtract(11, 'month')), end: toMonthParam(today) };
}

function hasOtherCurrency(month: Summary): boolean {
  return month.by_currency.some((row) => row.currency !== month.currency);
}

/**
 * The spend per original currency of the newest month that has a currency
 * other than the reporting one: the amount as billed, the rate the server used
 * and the converted amount (or that it has no rate).
 */
function CurrencyBreakdown({ month }: { month: Summary }) {
  return (
    <Table
      mt="md"
      fz="sm"
      withTableBorder
      aria-label={`Spend by currency, ${formatYearMonth(month.year, month.month)}`}
      style={{ fontVariantNumeric: 'tabular-nums' }}
    >
      <Table.Caption>
        {`${formatYearMonth(month.year, month.month)} by currency: each amount converted with that month's rate (units per 1 ${month.currency})`}
      </Table.Caption>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Currency</Table.Th>
          <Table.Th ta="right">Amount</Table.Th>
          <Table.Th ta="right">Rate</Table.Th>
          <Table.Th ta="right">{`In ${month.currency}`}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {month.by_currency.map((row) => (
          <Table.Tr key={row.currency}>
            <Table.Td>{row.currency}</Table.Td>
            <Table.Td ta="right">{formatMoney(row.amount, row.currency)}</Table.Td>
            <Table.Td ta="right">{row.rate ?? 'no rate'}</Table.Td>
            <Table.Td ta="right">{row.converted === null ? 'not converted' : formatMoney(row.converted, month.currency)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Monthly spend by category over the last 12 months, and what could not be converted. */
export function SpendCard({ view = 'accrual' }: { view?: SummaryView }) {
  const { start, end } = seriesRange();
  const series = useSummarySeries(start, end, view);
  const forecast = useForecast(view);
  const months = series.data ?? [];
  const first = months[0];
  const current = months.at(-1);
  const unconverted = months.filter((month) => month.unconverted.length > 0);
  const foreign = [...months].reverse().find(hasOtherCurrency);

  return (
    <Card component="section" aria-labelledby="spend-title">
      <Group justify="space-between" mb="sm" gap="xs">
        <Title order={2} fz="lg" id="spend-title">Monthly spend by category</Title>
        <Group gap="sm">
          {first && current && (
            <Text size="sm" c="dimmed">
              {`${formatYearMonth(first.year, first.month)} – ${formatYearMonth(current.year, current.month)} · ${current.currency} · ${view === 'cash' ? 'cash' : 'accrual'} view`}
            </Text>
          )}
          <ExportCsvButton what="monthly spend" onExport={() => downloadCsv('/summary/series', { start, end, view })} />
        </Group>
      </Group>
      {series.isPending && <PageLoader label="Loading spend…" />}
      {series.isError && <ErrorState error={series.error} onRetry={() => series.refetch()} />}
      {current && <SpendChart series={months} currency={current.currency} forecast={forecast.data} />}
      {foreign && <CurrencyBreakdown month={foreign} />}
      {forecast.data && (
        <Group gap="lg" mt="sm" wrap="wrap" aria-label="This month's forecast by category" role="list">
          {forecast.data.by_category.map((item) => (
            <Text size="xs" c="dimmed" key={item.code} role="listitem">
              <Text span size="xs" fw={600} c="var(--mantine-color-text)">{item.category}</Text>
              {` ${formatMoney(item.actual, forecast.data.currency)} so far → ${formatMoney(item.forecast, forecast.data.currency)} (${item.method})`}
            </Text>
          ))}
        </Group>
      )}
      {forecast.data && forecast.data.unconverted.length > 0 && (
        <Text size="xs" c="dimmed" mt={4}>
          {'Forecast left out of the totals: '}
          {forecast.data.unconverted.map((u) => formatMoney(u.forecast, u.currency)).join(', ')}
        </Text>
      )}
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
