import { useMemo, useState } from 'react';
import {
  ActionIcon, Anchor, Button, Card, SegmentedControl, Stack, Text, Tooltip,
} from '@mantine/core';
import { IconPlus, IconReplace } from '@tabler/icons-react';
import { createColumnHelper } from '@tanstack/react-table';
import { Link, useSearchParams } from 'react-router-dom';
import { CATEGORY, type LicensePlan } from '@/api/types';
import { DataTable } from '@/components/DataTable';
import { MonthText } from '@/components/MonthText';
import { MoneyText } from '@/components/MoneyText';
import { EmptyState, ErrorState, PageLoader } from '@/components/PageStates';
import { PageHeader } from '@/components/PageHeader';
import { useServices } from '@/features/services/api/get-services';
import { formatMoney, formatMonth } from '@/lib/format';
import { useLicenses } from './api/get-licenses';
import { CommitmentBadge } from './CommitmentBadge';
import { PlanModal } from './PlanModal';

const column = createColumnHelper<LicensePlan>();

type View = 'current' | 'all';
interface PlanModalState { opened: boolean; basePlan: LicensePlan | null }

export function LicenseManager() {
  const [params] = useSearchParams();
  const [view, setView] = useState<View>('current');
  const licenses = useLicenses(view === 'current' ? { active: true } : {});
  const services = useServices();
  const [modal, setModal] = useState<PlanModalState>({ opened: false, basePlan: null });

  const licenseServices = useMemo(
    () => (services.data ?? []).filter((s) => s.category_name === CATEGORY.license && s.active),
    [services.data],
  );
  const providerNames = useMemo(
    () => [...new Set((licenses.data ?? []).map((plan) => plan.provider_name))].sort(),
    [licenses.data],
  );

  const columns = useMemo(() => [
    column.accessor('provider_name', {
      header: 'Provider',
      meta: { filter: 'select', filterOptions: providerNames },
    }),
    column.accessor('service_name', {
      header: 'License',
      cell: ({ row: { original } }) => (
        <Stack gap={4} align="flex-start" miw={210}>
          <Anchor component={Link} to={`/services/${original.service_id}`} fw={600} size="sm">{original.service_name}</Anchor>
          <CommitmentBadge end={original.annual_commitment_end} />
        </Stack>
      ),
    }),
    column.accessor('qty', { header: 'Qty', meta: { align: 'right' } }),
    column.accessor('monthly_unit_cost', {
      header: 'Unit cost',
      sortingFn: 'decimal',
      meta: { align: 'right', filterText: (row) => formatMoney(row.monthly_unit_cost, row.currency) },
      cell: ({ row: { original } }) => <MoneyText value={original.monthly_unit_cost} currency={original.currency} />,
    }),
    column.accessor('monthly_cost', {
      header: 'Monthly cost',
      sortingFn: 'decimal',
      meta: { align: 'right', filterText: (row) => formatMoney(row.monthly_cost, row.currency) },
      cell: ({ row: { original } }) => (
        <MoneyText value={original.monthly_cost} currency={original.currency} fw={600} />
      ),
    }),
    column.accessor('start_month', {
      header: 'Since',
      meta: { filterText: (row) => formatMonth(row.start_month) },
      cell: ({ getValue }) => <MonthText value={getValue()} />,
    }),
    // Plans in force are open or end later; the end month matters in the full history.
    ...(view === 'all' ? [column.accessor((plan) => plan.end_month ?? '', {
      id: 'end_month',
      header: 'Until',
      meta: { filterText: (row) => formatMonth(row.end_month) },
      cell: ({ row: { original } }) => (original.end_month ? <MonthText value={original.end_month} /> : <Text size="sm" c="dimmed">open</Text>),
    })] : []),
    column.display({
      id: 'actions',
      header: 'Actions',
      meta: { align: 'right' },
      cell: ({ row: { original } }) => (
        <Tooltip label="Record a price or quantity change">
          <ActionIcon
            variant="light"
            aria-label={`Record change for ${original.service_name}`}
            onClick={() => setModal({ opened: true, basePlan: original })}
          >
            <IconReplace size={16} />
          </ActionIcon>
        </Tooltip>
      ),
    }),
  ], [providerNames, view]);

  const addButton = (
    <Button leftSection={<IconPlus size={16} />} onClick={() => setModal({ opened: true, basePlan: null })}>
      Add plan
    </Button>
  );

  let content;
  if (licenses.isPending) content = <PageLoader label="Loading licenses…" />;
  else if (licenses.isError) content = <ErrorState error={licenses.error} onRetry={() => licenses.refetch()} />;
  else if (licenses.data.length === 0 && view === 'current') {
    content = (
      <EmptyState title="No license plan in force" action={addButton}>
        Add a plan for a User License service: its unit cost, seats and start month.
      </EmptyState>
    );
  } else {
    content = (
      <DataTable
        key={view}
        label="License plans"
        data={licenses.data}
        columns={columns}
        getRowId={(plan) => String(plan.id)}
        initialSorting={[{ id: 'provider_name', desc: false }, { id: 'service_name', desc: false }]}
        initialSearch={params.get('q') ?? ''}
        minWidth={960}
        toolbar={(
          <SegmentedControl
            size="xs"
            value={view}
            onChange={(value) => setView(value as View)}
            data={[{ value: 'current', label: 'In force' }, { value: 'all', label: 'All plans' }]}
            aria-label="Which plans"
          />
        )}
      />
    );
  }

  return (
    <>
      <PageHeader
        title="Licenses"
        description="Per-seat plans in force this month. A price or quantity change is a new plan from a later month."
        actions={addButton}
      />
      <Card>{content}</Card>
      <PlanModal
        opened={modal.opened}
        onClose={() => setModal((m) => ({ ...m, opened: false }))}
        services={licenseServices}
        basePlan={modal.basePlan}
      />
    </>
  );
}
