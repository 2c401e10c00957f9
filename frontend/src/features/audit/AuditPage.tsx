import { useMemo } from 'react';
import {
  Badge, Card, NumberInput, Select, Stack, Text, TextInput,
} from '@mantine/core';
import { createColumnHelper } from '@tanstack/react-table';
import type { AuditEntry } from '@/api/types';
import { downloadCsv } from '@/api/csv';
import { DataTable, useServerTable } from '@/components/DataTable';
import { PageHeader } from '@/components/PageHeader';
import { formatDateTime } from '@/lib/format';
import { useAudit } from './api/get-audit';

const column = createColumnHelper<AuditEntry>();

/** The tables the audit log records, with readable names. */
export const ENTITY_LABELS: Record<string, string> = {
  service: 'Service',
  license_plan: 'License plan',
  usage_topup: 'Top-up',
  usage_consumption: 'Consumption',
  infra_invoice: 'Invoice',
  provider: 'Provider',
  api_token: 'API token',
  backup: 'Backup',
};

const ENTITY_OPTIONS = Object.entries(ENTITY_LABELS).map(([value, label]) => ({ value, label }));

const ACTION_COLORS: Record<AuditEntry['action'], string> = {
  create: 'teal',
  update: 'blue',
  delete: 'red',
  import: 'grape',
  restore: 'orange',
};

function entityLabel(entity: string): string {
  return ENTITY_LABELS[entity] ?? entity;
}

/** A recorded value for display: text as is, null as an en dash, anything else as JSON. */
function showValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '–';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** The fields an update changed: "field: before → after" each. */
export function changedFields(entry: AuditEntry): string[] {
  const before = entry.before ?? {};
  const after = entry.after ?? {};
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return fields
    .filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
    .map((field) => `${field}: ${showValue(before[field])} → ${showValue(after[field])}`);
}

/** A short summary of a created or deleted row (its name when it has one). */
function rowSummary(entry: AuditEntry): string {
  const row = (entry.action === 'delete' ? entry.before : entry.after) ?? {};
  const verb = entry.action === 'delete' ? 'Deleted' : 'Created';
  const name = row.name ?? row.title;
  if (typeof name === 'string' && name) return `${verb} "${name}"`;
  const count = Object.keys(row).length;
  return count ? `${verb} (${count} fields)` : verb;
}

/** An import or a restore is one entry for many rows: what it stored, in counts. */
function bulkSummary(entry: AuditEntry): string {
  const after = entry.after ?? {};
  if (entry.action === 'import') return `Imported ${showValue(after.rows)} row(s) from a CSV file`;
  const tables = (after.tables ?? {}) as Record<string, number>;
  const rows = Object.values(tables).reduce((sum, n) => sum + n, 0);
  const made = typeof after.created_at === 'string' ? formatDateTime(after.created_at) : '–';
  return `Restored a backup of ${made}: ${rows} row(s) in ${Object.keys(tables).length} tables`;
}

function Changes({ entry }: { entry: AuditEntry }) {
  if (entry.action === 'import' || entry.action === 'restore') return <Text size="sm">{bulkSummary(entry)}</Text>;
  if (entry.action !== 'update') return <Text size="sm">{rowSummary(entry)}</Text>;
  const lines = changedFields(entry);
  if (lines.length === 0) return <Text size="sm" c="dimmed">No field changed</Text>;
  return (
    <Stack gap={2}>
      {lines.map((line) => (
        <Text key={line} size="sm" style={{ wordBreak: 'break-word' }}>{line}</Text>
      ))}
    </Stack>
  );
}

/** /audit: every create, update and delete, newest first, paged and filtered by the server. */
export function AuditPage() {
  const table = useServerTable();
  const { filters } = table;
  const entityId = filters.entity_id ? Number(filters.entity_id) : undefined;
  const selection = {
    entity: filters.entity,
    actor: filters.actor?.trim() || undefined,
    entity_id: Number.isInteger(entityId) ? entityId : undefined,
  };
  const audit = useAudit({ ...selection, limit: table.limit, offset: table.offset });

  const setFilter = (id: string, value: string | null) => table.setColumnFilters(
    (old) => [...old.filter((f) => f.id !== id), ...(value ? [{ id, value }] : [])],
  );
  const rawFilter = (id: string) => (table.columnFilters.find((f) => f.id === id)?.value as string | undefined) ?? '';

  const columns = useMemo(() => [
    column.accessor('at', {
      header: 'When',
      enableSorting: false,
      cell: ({ getValue }) => <Text size="sm" style={{ whiteSpace: 'nowrap' }}>{formatDateTime(getValue())}</Text>,
    }),
    column.accessor('actor', { header: 'Actor', enableSorting: false }),
    column.accessor('action', {
      header: 'Action',
      enableSorting: false,
      cell: ({ getValue }) => <Badge variant="light" color={ACTION_COLORS[getValue()]}>{getValue()}</Badge>,
    }),
    column.accessor('entity', {
      header: 'Record',
      enableSorting: false,
      cell: ({ row: { original } }) => (
        <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
          {`${entityLabel(original.entity)}${original.entity_id === null ? '' : ` #${original.entity_id}`}`}
        </Text>
      ),
    }),
    column.display({
      id: 'changes',
      header: 'Changes',
      cell: ({ row: { original } }) => <Changes entry={original} />,
    }),
    column.accessor('request_id', {
      header: 'Request id',
      enableSorting: false,
      cell: ({ getValue }) => (
        <Text size="xs" c="dimmed" ff="monospace" style={{ wordBreak: 'break-all' }}>{getValue() ?? '–'}</Text>
      ),
    }),
  ], []);

  const toolbar = (
    <>
      <Select
        label="Entity"
        placeholder="Any record"
        data={ENTITY_OPTIONS}
        value={filters.entity ?? null}
        onChange={(value) => setFilter('entity', value)}
        clearable
        size="xs"
        w={160}
      />
      <TextInput
        label="Actor"
        placeholder="admin, token:name, system"
        value={rawFilter('actor')}
        onChange={(event) => setFilter('actor', event.currentTarget.value)}
        size="xs"
        w={180}
      />
      <NumberInput
        label="Entity id"
        placeholder="Any"
        min={1}
        allowDecimal={false}
        allowNegative={false}
        value={rawFilter('entity_id')}
        onChange={(value) => setFilter('entity_id', value === '' ? null : String(value))}
        size="xs"
        w={110}
      />
    </>
  );

  return (
    <>
      <PageHeader title="Audit log" description="Every create, update and delete, newest first" />
      <Card>
        <DataTable
          label="Audit log"
          table={table}
          query={audit}
          onExport={() => downloadCsv('/audit', selection)}
          columns={columns}
          getRowId={(entry) => String(entry.id)}
          withSearch={false}
          toolbar={toolbar}
          loadingLabel="Loading the audit log…"
          emptyMessage="Nothing recorded yet."
          minWidth={900}
        />
      </Card>
    </>
  );
}
