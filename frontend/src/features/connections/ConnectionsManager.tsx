import { useMemo, useState } from 'react';
import {
  ActionIcon, Anchor, Badge, Button, Card, Group, Menu, Stack, Switch, Text,
} from '@mantine/core';
import {
  IconDots, IconHistory, IconPencil, IconPlus, IconRefresh, IconTrash,
} from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import { Link } from 'react-router-dom';
import type { Connection } from '@/api/types';
import { DataTable, useServerTable } from '@/components/DataTable';
import { MoneyText } from '@/components/MoneyText';
import { EmptyState } from '@/components/PageStates';
import { PageHeader } from '@/components/PageHeader';
import type { Picker } from '@/components/SearchSelect';
import { confirmDestructive } from '@/components/confirm';
import { formatDate, formatDateTime, signOf } from '@/lib/format';
import { useDeleteConnection } from './api/delete-connection';
import { connectionsQueryOptions } from './api/get-connections';
import { useSyncConnection } from './api/sync-connection';
import { useUpdateConnection } from './api/update-connection';
import { ConnectionFormModal } from './ConnectionFormModal';
import { KINDS } from './kinds';
import { RunsDrawer } from './RunsDrawer';

const column = createColumnHelper<Connection>();

const STATUS: Record<Connection['last_status'], { color: string; label: string }> = {
  ok: { color: 'teal', label: 'OK' },
  error: { color: 'red', label: 'Error' },
  never: { color: 'gray', label: 'Never synced' },
};

/** The provider's balance beside ours, and the difference (provider − ours) when both are in one currency. */
function BalanceCell({ connection: c }: { connection: Connection }) {
  if (c.provider_balance === null) return <Text size="sm" c="dimmed">Not reported</Text>;
  const currency = c.provider_balance_currency;
  const sign = c.balance_difference === null ? 0 : signOf(c.balance_difference);
  return (
    <Stack gap={0} align="flex-end">
      <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
        {'Provider '}
        <MoneyText value={c.provider_balance} currency={currency} fw={600} />
      </Text>
      <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
        {'Ours '}
        <MoneyText value={c.balance} currency={currency} />
      </Text>
      {c.balance_difference !== null && (
        <Text size="xs" c={sign === 0 ? 'teal' : 'orange'} style={{ whiteSpace: 'nowrap' }}>
          {sign === 0 ? 'They agree' : 'Difference '}
          {sign !== 0 && <MoneyText value={c.balance_difference} currency={currency} size="xs" c="orange" />}
        </Text>
      )}
    </Stack>
  );
}

interface ConnectionsManagerProps {
  /** Chooses a Usage service (handed in by the route: features never import each other). */
  ServicePicker: Picker;
}

interface FormState { opened: boolean; connection: Connection | null }

/** The provider connections: add, edit, sync now, enable/disable, delete, and each one's run history. */
export function ConnectionsManager({ ServicePicker }: ConnectionsManagerProps) {
  const table = useServerTable();
  const { limit, offset } = table;
  // The list is short and comes whole; the table pages it like the others.
  const connections = useQuery({
    ...connectionsQueryOptions(),
    select: (rows) => ({ rows: rows.slice(offset, offset + limit), total: rows.length }),
  });
  const { mutateAsync: sync } = useSyncConnection();
  const { mutate: update } = useUpdateConnection();
  const { mutate: remove } = useDeleteConnection();
  const [syncing, setSyncing] = useState<number[]>([]);
  const [form, setForm] = useState<FormState>({ opened: false, connection: null });
  const [history, setHistory] = useState<Connection | null>(null);

  const columns = useMemo(() => {
    const syncNow = (c: Connection) => {
      setSyncing((ids) => [...ids, c.id]);
      // The mutation shows the outcome (counts, or the provider's error) in a toast.
      sync({ id: c.id, name: c.name })
        .catch(() => undefined)
        .finally(() => setSyncing((ids) => ids.filter((id) => id !== c.id)));
    };
    return [
      column.accessor('name', {
        header: 'Name',
        enableSorting: false,
        cell: ({ row: { original } }) => (
          <Stack gap={0}>
            <Text size="sm" fw={600}>{original.name}</Text>
            <Text size="xs" c="dimmed">{KINDS[original.kind].label}</Text>
          </Stack>
        ),
      }),
      column.accessor('service_name', {
        header: 'Usage service',
        enableSorting: false,
        cell: ({ row: { original } }) => (
          <Anchor component={Link} to={`/usage?service=${original.service_id}`} size="sm">{original.service_name}</Anchor>
        ),
      }),
      column.accessor('enabled', {
        header: 'Enabled',
        enableSorting: false,
        cell: ({ row: { original } }) => (
          <Switch
            checked={original.enabled}
            onChange={(event) => update({ id: original.id, changes: { enabled: event.currentTarget.checked } })}
            aria-label={`Enabled: ${original.name}`}
            title={original.enabled ? 'Synced on the schedule' : 'Not synced on the schedule'}
          />
        ),
      }),
      column.accessor('last_status', {
        header: 'Last status',
        enableSorting: false,
        cell: ({ row: { original } }) => (
          <Stack gap={4} align="flex-start">
            <Badge variant="light" color={STATUS[original.last_status].color} miw="max-content">
              {STATUS[original.last_status].label}
            </Badge>
            {original.last_error && (
              <Text size="xs" c="red" maw={280} style={{ overflowWrap: 'anywhere' }}>{original.last_error}</Text>
            )}
          </Stack>
        ),
      }),
      column.accessor('last_sync_at', {
        header: 'Last sync',
        enableSorting: false,
        cell: ({ row: { original } }) => (
          <Stack gap={0}>
            <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
              {original.last_sync_at ? formatDateTime(original.last_sync_at) : 'never'}
            </Text>
            <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
              {original.synced_through ? `synced through ${formatDate(original.synced_through)}` : 'nothing synced yet'}
            </Text>
          </Stack>
        ),
      }),
      column.accessor('provider_balance', {
        header: 'Balance',
        enableSorting: false,
        meta: { align: 'right' },
        cell: ({ row: { original } }) => <BalanceCell connection={original} />,
      }),
      column.display({
        id: 'actions',
        header: 'Actions',
        meta: { align: 'right' },
        cell: ({ row: { original } }) => (
          <Group gap={4} justify="flex-end" wrap="nowrap">
            <Button
              size="xs"
              variant="light"
              leftSection={<IconRefresh size={14} />}
              loading={syncing.includes(original.id)}
              onClick={() => syncNow(original)}
              aria-label={`Sync ${original.name} now`}
            >
              Sync now
            </Button>
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <ActionIcon variant="subtle" color="gray" aria-label={`More actions for ${original.name}`}>
                  <IconDots size={16} />
                </ActionIcon>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item leftSection={<IconHistory size={14} />} onClick={() => setHistory(original)}>
                  Sync history
                </Menu.Item>
                <Menu.Item
                  leftSection={<IconPencil size={14} />}
                  onClick={() => setForm({ opened: true, connection: original })}
                >
                  Edit
                </Menu.Item>
                <Menu.Item
                  color="red"
                  leftSection={<IconTrash size={14} />}
                  onClick={() => confirmDestructive({
                    title: `Delete the connection “${original.name}”?`,
                    message: 'Its stored credentials and sync history are deleted. The consumption it synced stays '
                      + 'on the Usage service (and is no longer updated).',
                    confirmLabel: 'Delete connection',
                    onConfirm: () => remove(original.id),
                  })}
                >
                  Delete
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        ),
      }),
    ];
  }, [sync, update, remove, syncing]);

  const add = () => setForm({ opened: true, connection: null });
  return (
    <>
      <PageHeader
        title="Connections"
        description="Provider billing APIs that write a Usage service's daily costs by themselves"
        actions={<Button leftSection={<IconPlus size={16} />} onClick={add}>Add connection</Button>}
      />
      <Card>
        <DataTable
          label="Connections"
          table={table}
          query={connections}
          columns={columns}
          getRowId={(connection) => String(connection.id)}
          withSearch={false}
          loadingLabel="Loading connections…"
          minWidth={980}
          emptyState={(
            <EmptyState
              title="No connections yet"
              action={<Button leftSection={<IconPlus size={16} />} onClick={add}>Add connection</Button>}
            >
              Connect OpenAI, Anthropic, Twilio or OpenRouter: their daily costs then arrive on a Usage service
              by themselves.
            </EmptyState>
          )}
        />
      </Card>
      <Text size="xs" c="dimmed" mt="sm">
        Groq, Perplexity and Mistral publish no billing API usable with a key: record their costs on the Usage page.
      </Text>
      <ConnectionFormModal
        opened={form.opened}
        onClose={() => setForm((current) => ({ ...current, opened: false }))}
        connection={form.connection}
        ServicePicker={ServicePicker}
      />
      <RunsDrawer connection={history} onClose={() => setHistory(null)} />
    </>
  );
}
