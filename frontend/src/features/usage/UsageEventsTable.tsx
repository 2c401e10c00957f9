import { useMemo } from 'react';
import { Badge, Text } from '@mantine/core';
import { createColumnHelper } from '@tanstack/react-table';
import type { Consumption, Topup } from '@/api/types';
import { DataTable } from '@/components/DataTable';
import { formatMoney } from '@/lib/format';

export interface UsageEvent {
  key: string;
  kind: 'Top-up' | 'Consumption';
  date: string;
  /** The API's decimal string, unsigned. */
  amount: string;
  currency: string;
}

/** Top-ups and consumption of one service as one list (no amounts are combined). */
export function toUsageEvents(topups: Topup[], consumption: Consumption[]): UsageEvent[] {
  return [
    ...topups.map((t): UsageEvent => ({
      key: `t${t.id}`, kind: 'Top-up', date: t.topup_date, amount: t.amount_purchased, currency: t.currency,
    })),
    ...consumption.map((c): UsageEvent => ({
      key: `c${c.id}`, kind: 'Consumption', date: c.consumption_date, amount: c.amount_consumed, currency: c.currency,
    })),
  ];
}

const column = createColumnHelper<UsageEvent>();

export function UsageEventsTable({ events, label }: { events: UsageEvent[]; label: string }) {
  const columns = useMemo(() => [
    column.accessor('date', { header: 'Date' }),
    column.accessor('kind', {
      header: 'Type',
      meta: { filter: 'select', filterOptions: ['Top-up', 'Consumption'] },
      cell: ({ getValue }) => (
        <Badge variant="light" color={getValue() === 'Top-up' ? 'teal' : 'orange'}>{getValue()}</Badge>
      ),
    }),
    column.accessor('amount', {
      header: 'Amount',
      sortingFn: 'decimal',
      meta: { align: 'right', filterText: (row) => formatMoney(row.amount, row.currency) },
      cell: ({ row: { original } }) => (
        <Text
          span
          size="sm"
          c={original.kind === 'Top-up' ? 'teal' : undefined}
          style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}
        >
          {original.kind === 'Top-up' ? '+' : '−'}
          {formatMoney(original.amount, original.currency)}
        </Text>
      ),
    }),
  ], []);
  return (
    <DataTable
      label={label}
      data={events}
      columns={columns}
      getRowId={(event) => event.key}
      initialSorting={[{ id: 'date', desc: true }]}
      emptyMessage="No top-ups or consumption recorded yet."
      minWidth={360}
    />
  );
}
