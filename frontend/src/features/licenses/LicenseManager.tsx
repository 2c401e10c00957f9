import { useMemo, useState } from 'react';
import {
  ActionIcon, Anchor, Button, Card, SegmentedControl, Stack, Text, Tooltip,
} from '@mantine/core';
import { IconPlus, IconReplace } from '@tabler/icons-react';
import { Link, useSearchParams } from 'react-router-dom';
import type { LicensePlan } from '@/api/types';
import { downloadCsv } from '@/api/csv';
import { DataTable, useServerTable } from '@/components/DataTable';
import { MonthText } from '@/components/MonthText';
import { EmptyState } from '@/components/PageStates';
import { PageHeader } from '@/components/PageHeader';
import type { Picker } from '@/components/SearchSelect';
import { type LicenseSort, useLicenses } from './api/get-licenses';
import { CommitmentBadge } from './CommitmentBadge';
import { planColumn, planCostColumns } from './plan-columns';
import { PlanModal } from './PlanModal';

const column = planColumn;

type View = 'current' | 'all';
interface PlanModalState { opened: boolean; basePlan: LicensePlan | null }

interface LicenseManagerProps {
  /** Chooses a User License service for a new plan. */
  ServicePicker: Picker;
  /** Chooses the provider of the provider filter. */
  ProviderPicker: Picker;
}

/** Plans in force (or every plan), searched, filtered, sorted and paged by the server. */
export function LicenseManager({ ServicePicker, ProviderPicker }: LicenseManagerProps) {
  const [params] = useSearchParams();
  const [view, setView] = useState<View>('current');
  const table = useServerTable<LicenseSort>({
    initialSorting: [{ id: 'provider_name', desc: false }],
    initialSearch: params.get('q') ?? '',
  });
  const providerId = table.filters.provider_name;
  const selection = {
    active: view === 'current' ? true : undefined,
    q: table.search,
    provider_id: providerId ? Number(providerId) : undefined,
    sort: table.sort,
  };
  const licenses = useLicenses({ ...selection, limit: table.limit, offset: table.offset });
  const [modal, setModal] = useState<PlanModalState>({ opened: false, basePlan: null });
  const [providerLabel, setProviderLabel] = useState<string | null>(null);

  const columns = useMemo(() => [
    column.accessor('provider_name', {
      header: 'Provider',
      meta: {
        filter: 'custom',
        renderFilter: ({ label, value, onChange }) => (
          <ProviderPicker
            label={label}
            size="xs"
            clearable
            placeholder="Any"
            value={value}
            selectedLabel={providerLabel}
            onChange={(next, option) => {
              setProviderLabel(option?.label ?? null);
              onChange(next);
            }}
            comboboxProps={{ withinPortal: false }}
          />
        ),
      },
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
    ...planCostColumns(),
    column.accessor('start_month', {
      header: 'Since',
      cell: ({ getValue }) => <MonthText value={getValue()} />,
    }),
    // Plans in force are open or end later; the end month matters in the full history.
    ...(view === 'all' ? [column.accessor('end_month', {
      header: 'Until',
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
  ], [view, ProviderPicker, providerLabel]);

  const addButton = (
    <Button leftSection={<IconPlus size={16} />} onClick={() => setModal({ opened: true, basePlan: null })}>
      Add plan
    </Button>
  );

  return (
    <>
      <PageHeader
        title="Licenses"
        description="Per-seat plans in force this month. A price or quantity change is a new plan from a later month."
        actions={addButton}
      />
      <Card>
        <DataTable
          label="License plans"
          table={table}
          query={licenses}
          onExport={() => downloadCsv('/licenses', selection)}
          columns={columns}
          getRowId={(plan) => String(plan.id)}
          searchPlaceholder="Search by license…"
          loadingLabel="Loading licenses…"
          minWidth={960}
          emptyState={view === 'current' ? (
            <EmptyState title="No license plan in force" action={addButton}>
              Add a plan for a User License service: its unit cost, seats and start month.
            </EmptyState>
          ) : undefined}
          toolbar={(
            <SegmentedControl
              size="xs"
              value={view}
              onChange={(value) => {
                setView(value as View);
                table.setPagination((old) => ({ ...old, pageIndex: 0 }));
              }}
              data={[{ value: 'current', label: 'In force' }, { value: 'all', label: 'All plans' }]}
              aria-label="Which plans"
            />
          )}
        />
      </Card>
      <PlanModal
        opened={modal.opened}
        onClose={() => setModal((m) => ({ ...m, opened: false }))}
        basePlan={modal.basePlan}
        ServicePicker={ServicePicker}
      />
    </>
  );
}
