import {
  Badge, Group, Text, Tooltip,
} from '@mantine/core';
import { createColumnHelper } from '@tanstack/react-table';
import type { UsageEvent } from '@/api/types';
import { downloadCsv } from '@/api/csv';
import { DataTable, useServerTable } from '@/components/DataTable';
import { formatDate, formatMoney } from '@/lib/format';
import { type UsageEventSort, useUsageEvents } from './api/get-usage-events';

const column = createColumnHelper<UsageEvent>();

/** A row a provider connection wrote (its source is `connection:<id>`), not an entry by hand. */
export function isSynced(event: Pick<UsageEvent, 'source'>): boolean {
  return Boolean(event.source?.startsWith('connection:'));
}

const columns = [
  column.accessor('day', {
    id: 'date',
    header: 'Date',
    cell: ({ getValue }) => formatDate(getValue()),
  }),
  column.accessor('kind', {
    header: 'Type',
    cell: ({ row: { original } }) => (
      <Group gap={6} wrap="nowrap">
        <Badge variant="light" color={original.kind === 'topup' ? 'teal' : 'orange'}>
          {original.kind === 'topup' ? 'Top-up' : 'Consumption'}
        </Badge>
        {isSynced(original) && (
          <Tooltip label="Written by a provider connection's sync">
            <Badge variant="outline" color="indigo" size="sm">synced</Badge>
          </Tooltip>
        )}
      </Group>
    ),
  }),
  column.accessor('amount', {
    header: 'Amount',
    meta: { align: 'right' },
    cell: ({ row: { original } }) => (
      <Text
        span
        size="sm"
        c={original.kind === 'topup' ? 'teal' : undefined}
        style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}
      >
        {original.kind === 'topup' ? '+' : '−'}
        {formatMoney(original.amount, original.currency)}
      </Text>
    ),
  }),
];

/**
 * One usage service's top-ups and consumption (`GET /usage/events`), newest first,
 * paged and sorted by the server. Mount it only when it is shown: it loads on mount.
 */
export function UsageEventsTable({ serviceId, label }: { serviceId: number; label: string }) {
  const table = useServerTable<UsageEventSort>({ initialSorting: [{ id: 'date', desc: true }] });
  const events = useUsageEvents({
    service_id: serviceId, sort: table.sort, limit: table.limit, offset: table.offset,
  });
  return (
    <DataTable
      label={label}
      table={table}
      query={events}
      onExport={() => downloadCsv('/usage/events', { service_id: serviceId, sort: table.sort })}
      columns={columns}
      getRowId={(event) => `${event.kind}-${event.id}`}
      withSearch={false}
      emptyMessage="No top-ups or consumption recorded yet."
      minWidth={360}
    />
  );
}
