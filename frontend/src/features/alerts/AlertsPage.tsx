import { useMemo } from 'react';
import {
  Anchor, Badge, Button, Card, SegmentedControl, Select, Stack, Text,
} from '@mantine/core';
import { IconCheck, IconPlayerPlay } from '@tabler/icons-react';
import { createColumnHelper } from '@tanstack/react-table';
import { Link, useSearchParams } from 'react-router-dom';
import type { AlertEvent, AlertKind, AlertState } from '@/api/types';
import { downloadCsv } from '@/api/csv';
import { DataTable, useServerTable } from '@/components/DataTable';
import { PageHeader } from '@/components/PageHeader';
import { formatDate, formatDateTime, formatMonth } from '@/lib/format';
import { useAcknowledgeAlert } from './api/acknowledge-alert';
import { useEvaluateAlerts } from './api/evaluate-alerts';
import { useAlerts } from './api/get-alerts';

const column = createColumnHelper<AlertEvent>();

export const KIND_INFO: Record<AlertKind, { label: string; color: string }> = {
  budget: { label: 'Budget', color: 'indigo' },
  low_balance: { label: 'Low balance', color: 'orange' },
  runway: { label: 'Runway', color: 'red' },
  commitment: { label: 'Commitment', color: 'grape' },
  anomaly: { label: 'Anomaly', color: 'pink' },
};

const KIND_OPTIONS = (Object.keys(KIND_INFO) as AlertKind[]).map((value) => ({ value, label: KIND_INFO[value].label }));

const STATE_COLORS: Record<AlertState, string> = { open: 'red', acknowledged: 'yellow', resolved: 'teal' };

/** The state filter: one state (the API filters on one), or all of them. */
type StateFilter = AlertState | 'all';

const STATE_FILTERS: { value: StateFilter; label: string }[] = [
  { value: 'open', label: 'Open' },
  { value: 'acknowledged', label: 'Acknowledged' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'all', label: 'All' },
];

const EMPTY: Record<StateFilter, string> = {
  open: 'No open alerts: nothing needs attention.',
  acknowledged: 'No acknowledged alert waits for its condition to clear.',
  resolved: 'No alert has resolved yet.',
  all: 'No alert yet: the rules have found nothing.',
};

function isState(value: string | null): value is StateFilter {
  return STATE_FILTERS.some((option) => option.value === value);
}

function isKind(value: string | null): value is AlertKind {
  return value !== null && value in KIND_INFO;
}

/**
 * Where an alert's subject is shown: a budget's month on the Budgets page, a
 * prepaid service's card on the Usage page, any other service's own page.
 * Nothing for a subject that is gone (a deleted budget).
 */
export function subjectLink(alert: AlertEvent): string | null {
  if (alert.kind === 'budget') {
    if (alert.budget_id === null) return null;
    return /^\d{4}-\d{2}$/.test(alert.period) ? `/budgets?month=${alert.period}` : '/budgets';
  }
  if (alert.service_id === null) return null;
  if (alert.kind === 'low_balance' || alert.kind === 'runway') return `/usage?service=${alert.service_id}`;
  return `/services/${alert.service_id}`;
}

/** A period as the API names it: a month ("2026-11"), or a day (a top-up, a commitment's end). */
function formatPeriod(period: string): string {
  if (/^\d{4}-\d{2}$/.test(period)) return formatMonth(period);
  if (/^\d{4}-\d{2}-\d{2}$/.test(period)) return formatDate(period);
  return period;
}

/** "First 2026-12-01 10:42": one line of the Seen column. */
function line(label: string, text: string) {
  return (
    <Text size="xs" style={{ whiteSpace: 'nowrap' }}>
      <Text span inherit c="dimmed">{`${label} `}</Text>
      {text}
    </Text>
  );
}

/** /alerts: the inbox of what the alert rules found, newest first, with its filters in the address. */
export function AlertsPage() {
  const [params, setParams] = useSearchParams();
  const stateParam = params.get('state');
  const kindParam = params.get('kind');
  // Open alerts by default: what nobody has looked at yet.
  const state: StateFilter = isState(stateParam) ? stateParam : 'open';
  const kind = isKind(kindParam) ? kindParam : undefined;
  const table = useServerTable();
  const selection = { state: state === 'all' ? undefined : state, kind };
  const alerts = useAlerts({ ...selection, limit: table.limit, offset: table.offset });
  const evaluate = useEvaluateAlerts();
  const acknowledge = useAcknowledgeAlert();

  const setFilter = (name: 'state' | 'kind', value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    if (name === 'state' && value === 'open') next.delete('state');
    setParams(next, { replace: true });
    table.setPagination((old) => ({ ...old, pageIndex: 0 }));
  };

  const { mutate: acknowledgeAlert, isPending: acknowledging, variables: acknowledged } = acknowledge;
  const columns = useMemo(() => [
    column.accessor('subject', {
      header: 'Alert',
      enableSorting: false,
      cell: ({ row: { original } }) => {
        const to = subjectLink(original);
        const info = KIND_INFO[original.kind];
        return (
          <Stack gap={4} align="flex-start" miw={130}>
            <Badge variant="light" color={info.color} miw="max-content">{info.label}</Badge>
            {to
              ? <Anchor component={Link} to={to} size="sm" fw={600}>{original.subject}</Anchor>
              : <Text size="sm" fw={600}>{original.subject}</Text>}
          </Stack>
        );
      },
    }),
    column.accessor('message', {
      header: 'Message',
      enableSorting: false,
      cell: ({ getValue }) => <Text size="sm" miw={240}>{getValue()}</Text>,
    }),
    column.accessor('period', {
      header: 'Period',
      enableSorting: false,
      cell: ({ getValue }) => <Text size="sm" title={getValue()} style={{ whiteSpace: 'nowrap' }}>{formatPeriod(getValue())}</Text>,
    }),
    column.accessor('state', {
      header: 'State',
      enableSorting: false,
      cell: ({ row: { original } }) => {
        let since: string | null = null;
        if (original.state === 'acknowledged') since = original.acknowledged_at;
        if (original.state === 'resolved') since = original.resolved_at;
        return (
          <Stack gap={2} align="flex-start">
            <Badge variant="light" color={STATE_COLORS[original.state]} miw="max-content">{original.state}</Badge>
            {since && <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>{formatDateTime(since)}</Text>}
          </Stack>
        );
      },
    }),
    column.accessor('first_seen', {
      header: 'Seen',
      enableSorting: false,
      cell: ({ row: { original } }) => (
        <Stack gap={0}>
          {line('First', formatDateTime(original.first_seen))}
          {line('Last', formatDateTime(original.last_seen))}
          {line('Notified', original.notified_at ? formatDateTime(original.notified_at) : 'not yet')}
        </Stack>
      ),
    }),
    column.display({
      id: 'actions',
      header: 'Actions',
      meta: { align: 'right' },
      cell: ({ row: { original } }) => (original.state === 'open' ? (
        <Button
          size="xs"
          variant="light"
          leftSection={<IconCheck size={14} />}
          loading={acknowledging && acknowledged === original.id}
          onClick={() => acknowledgeAlert(original.id)}
          aria-label={`Acknowledge ${KIND_INFO[original.kind].label.toLowerCase()} alert: ${original.subject}`}
        >
          Acknowledge
        </Button>
      ) : null),
    }),
  ], [acknowledgeAlert, acknowledging, acknowledged]);

  const toolbar = (
    <>
      <SegmentedControl
        aria-label="State"
        size="xs"
        data={STATE_FILTERS}
        value={state}
        onChange={(value) => setFilter('state', value)}
      />
      <Select
        aria-label="Kind"
        placeholder="Any kind"
        data={KIND_OPTIONS}
        value={kind ?? null}
        onChange={(value) => setFilter('kind', value)}
        clearable
        size="xs"
        w={150}
      />
    </>
  );

  return (
    <>
      <PageHeader
        title="Alerts"
        description="Budgets crossed, low balances, short runways, commitments ending and unusual spend"
        actions={(
          <Button
            leftSection={<IconPlayerPlay size={16} />}
            loading={evaluate.isPending}
            onClick={() => evaluate.mutate()}
          >
            Evaluate now
          </Button>
        )}
      />
      <Card>
        <DataTable
          label="Alerts"
          table={table}
          query={alerts}
          onExport={() => downloadCsv('/alerts', selection)}
          columns={columns}
          getRowId={(alert) => String(alert.id)}
          withSearch={false}
          toolbar={toolbar}
          loadingLabel="Loading alerts…"
          emptyMessage={kind ? `No ${state === 'all' ? '' : `${state} `}${KIND_INFO[kind].label.toLowerCase()} alerts.` : EMPTY[state]}
          minWidth={860}
        />
      </Card>
    </>
  );
}
