import {
  Badge, Drawer, Stack, Table, Text,
} from '@mantine/core';
import type { Connection, SyncRun } from '@/api/types';
import { ErrorState, PageLoader } from '@/components/PageStates';
import { formatDate, formatDateTime } from '@/lib/format';
import { RUNS_LIMIT, useConnectionRuns } from './api/get-connection-runs';

const RUN_COLOR: Record<SyncRun['status'], string> = { ok: 'teal', error: 'red', running: 'blue' };

function range(run: SyncRun): string {
  if (!run.first_day && !run.through) return '–';
  return `${formatDate(run.first_day)} → ${formatDate(run.through)}`;
}

/** The runs themselves: loaded when the drawer opens. */
function RunsTable({ connection }: { connection: Connection }) {
  const runs = useConnectionRuns(connection.id);
  if (runs.isPending) return <PageLoader label="Loading the sync history…" />;
  if (runs.isError) return <ErrorState error={runs.error} onRetry={() => runs.refetch()} />;
  if (runs.data.length === 0) {
    return <Text c="dimmed" size="sm">No sync yet. “Sync now” runs the first one.</Text>;
  }
  return (
    <Stack gap="xs">
      <Table.ScrollContainer minWidth={620} type="native">
        <Table striped verticalSpacing="xs" aria-label={`Sync history of ${connection.name}`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Started</Table.Th>
              <Table.Th>Trigger</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Days synced</Table.Th>
              <Table.Th ta="right">Days</Table.Th>
              <Table.Th ta="right">New / updated / unchanged</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {runs.data.map((run) => (
              <Table.Tr key={run.id}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(run.started_at)}</Table.Td>
                <Table.Td>{run.trigger === 'manual' ? 'Sync now' : 'Schedule'}</Table.Td>
                <Table.Td>
                  <Badge variant="light" color={RUN_COLOR[run.status]}>{run.status}</Badge>
                  {run.error && (
                    <Text size="xs" c="red" mt={4} maw={320} style={{ overflowWrap: 'anywhere' }}>{run.error}</Text>
                  )}
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{range(run)}</Table.Td>
                <Table.Td ta="right">{run.days}</Table.Td>
                <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                  {`${run.created} / ${run.updated} / ${run.unchanged}`}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {runs.data.length >= RUNS_LIMIT && <Text size="xs" c="dimmed">{`The latest ${RUNS_LIMIT} syncs.`}</Text>}
    </Stack>
  );
}

interface RunsDrawerProps {
  connection: Connection | null;
  onClose: () => void;
}

/** A connection's sync history, newest first, in a drawer. */
export function RunsDrawer({ connection, onClose }: RunsDrawerProps) {
  return (
    <Drawer
      opened={connection !== null}
      onClose={onClose}
      position="right"
      size="xl"
      title={connection ? `Sync history — ${connection.name}` : ''}
    >
      {connection && <RunsTable connection={connection} />}
    </Drawer>
  );
}
