import { useMemo, useState } from 'react';
import {
  Badge, Button, Card, Group, Text, Title,
} from '@mantine/core';
import { IconPlus, IconReplace } from '@tabler/icons-react';
import type { LicensePlan } from '@/api/types';
import { downloadCsv } from '@/api/csv';
import { DataTable, useServerTable } from '@/components/DataTable';
import { MonthText } from '@/components/MonthText';
import { formatDate } from '@/lib/format';
import { type LicenseSort, useLicenses, usePlanInForce } from './api/get-licenses';
import { CommitmentBadge } from './CommitmentBadge';
import { planColumn, planCostColumns } from './plan-columns';
import { PlanModal, type PlanService } from './PlanModal';

const column = planColumn;
interface PlanModalState { opened: boolean; basePlan: LicensePlan | null }

/** A license service's plans, newest first, with the plan in force marked; add a plan or record a change. */
export function PlansSection({ service }: { service: PlanService }) {
  const table = useServerTable<LicenseSort>({ initialSorting: [{ id: 'start_month', desc: true }] });
  const plans = useLicenses({
    service_id: service.id, sort: table.sort, limit: table.limit, offset: table.offset,
  });
  const inForce = usePlanInForce(service.id).data ?? null;
  const [modal, setModal] = useState<PlanModalState>({ opened: false, basePlan: null });

  const inForceId = inForce?.id;
  const columns = useMemo(() => [
    column.accessor('start_month', {
      header: 'Start',
      cell: ({ row: { original } }) => (
        <Group gap="xs" wrap="nowrap">
          <MonthText value={original.start_month} />
          {inForceId === original.id && <Badge size="sm" color="teal" variant="light">in force</Badge>}
        </Group>
      ),
    }),
    column.accessor('end_month', {
      header: 'End',
      cell: ({ row: { original } }) => (original.end_month ? <MonthText value={original.end_month} /> : <Text size="sm" c="dimmed">open</Text>),
    }),
    ...planCostColumns(),
    column.accessor('annual_commitment_end', {
      header: 'Commitment',
      cell: ({ row: { original } }) => (
        <Group gap="xs" wrap="nowrap">
          <Text size="sm">{original.annual_commitment_end ? formatDate(original.annual_commitment_end) : '—'}</Text>
          <CommitmentBadge end={original.annual_commitment_end} />
        </Group>
      ),
    }),
  ], [inForceId]);

  return (
    <Card component="section" aria-labelledby="plans-title">
      <Group justify="space-between" mb="sm">
        <Title order={2} fz="lg" id="plans-title">License plans</Title>
        <Group gap="xs">
          {inForce && (
            <Button size="xs" variant="light" leftSection={<IconReplace size={14} />} onClick={() => setModal({ opened: true, basePlan: inForce })}>
              Record price/qty change
            </Button>
          )}
          <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setModal({ opened: true, basePlan: null })}>Add plan</Button>
        </Group>
      </Group>
      <DataTable
        label="License plans"
        table={table}
        query={plans}
        onExport={() => downloadCsv('/licenses', { service_id: service.id, sort: table.sort })}
        columns={columns}
        getRowId={(plan) => String(plan.id)}
        withSearch={false}
        loadingLabel="Loading plans…"
        emptyMessage="No plan yet for this license."
        minWidth={720}
      />
      <PlanModal
        opened={modal.opened}
        onClose={() => setModal((m) => ({ ...m, opened: false }))}
        basePlan={modal.basePlan}
        service={service}
      />
    </Card>
  );
}
