import { useMemo, useState } from 'react';
import {
  Anchor, Badge, Breadcrumbs, Button, Card, Group, Stack, Text, Title,
} from '@mantine/core';
import { createColumnHelper } from '@tanstack/react-table';
import { IconMinus, IconPlus, IconReplace } from '@tabler/icons-react';
import { Link, useParams } from 'react-router-dom';
import { CATEGORY, type LicensePlan, type Service } from '@/api/types';
import { DataTable } from '@/components/DataTable';
import { MoneyText } from '@/components/MoneyText';
import { MonthText } from '@/components/MonthText';
import { ErrorState, PageLoader } from '@/components/PageStates';
import { NotFound } from '@/components/NotFound';
import { ApiError } from '@/api/client';
import { useLicenses } from '@/features/licenses/api/get-licenses';
import { CommitmentBadge } from '@/features/licenses/CommitmentBadge';
import { PlanModal } from '@/features/licenses/PlanModal';
import { useBalances } from '@/features/usage/api/get-balances';
import { useConsumption } from '@/features/usage/api/get-consumption';
import { useTopups } from '@/features/usage/api/get-topups';
import { ConsumptionModal } from '@/features/usage/ConsumptionModal';
import { TopupModal } from '@/features/usage/TopupModal';
import { toUsageEvents, UsageEventsTable } from '@/features/usage/UsageEventsTable';
import { formatDate, formatMoney, formatMonth } from '@/lib/format';
import { CATEGORY_BADGE } from '@/theme';
import { useService } from './api/get-service';
import { InvoicesSection } from './InvoicesSection';

const planColumn = createColumnHelper<LicensePlan>();
interface PlanModalState { opened: boolean; basePlan: LicensePlan | null }

function PlansSection({ service }: { service: Service }) {
  const plans = useLicenses({ service_id: service.id });
  const current = useLicenses({ active: true });
  const [modal, setModal] = useState<PlanModalState>({ opened: false, basePlan: null });
  const rows = useMemo(() => (plans.data ?? []).filter((p) => p.service_id === service.id), [plans.data, service.id]);
  const inForce = current.data?.find((p) => p.service_id === service.id) ?? null;

  const columns = useMemo(() => [
    planColumn.accessor('start_month', {
      header: 'Start',
      meta: { filterText: (row) => formatMonth(row.start_month) },
      cell: ({ row: { original } }) => (
        <Group gap="xs" wrap="nowrap">
          <MonthText value={original.start_month} />
          {inForce?.id === original.id && <Badge size="sm" color="teal" variant="light">in force</Badge>}
        </Group>
      ),
    }),
    planColumn.accessor((p) => p.end_month ?? '', {
      id: 'end_month',
      header: 'End',
      cell: ({ row: { original } }) => (original.end_month ? <MonthText value={original.end_month} /> : <Text size="sm" c="dimmed">open</Text>),
    }),
    planColumn.accessor('qty', { header: 'Qty', meta: { align: 'right' } }),
    planColumn.accessor('monthly_unit_cost', {
      header: 'Unit cost',
      sortingFn: 'decimal',
      meta: { align: 'right', filterText: (row) => formatMoney(row.monthly_unit_cost, row.currency) },
      cell: ({ row: { original } }) => <MoneyText value={original.monthly_unit_cost} currency={original.currency} />,
    }),
    planColumn.accessor('monthly_cost', {
      header: 'Monthly cost',
      sortingFn: 'decimal',
      meta: { align: 'right', filterText: (row) => formatMoney(row.monthly_cost, row.currency) },
      cell: ({ row: { original } }) => (
        <MoneyText value={original.monthly_cost} currency={original.currency} fw={600} />
      ),
    }),
    planColumn.accessor((p) => p.annual_commitment_end ?? '', {
      id: 'commitment',
      header: 'Commitment',
      cell: ({ row: { original } }) => (
        <Group gap="xs" wrap="nowrap">
          <Text size="sm">{original.annual_commitment_end ? formatDate(original.annual_commitment_end) : '—'}</Text>
          <CommitmentBadge end={original.annual_commitment_end} />
        </Group>
      ),
    }),
  ], [inForce?.id]);

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
      {plans.isPending && <PageLoader label="Loading plans…" />}
      {plans.isError && <ErrorState error={plans.error} onRetry={() => plans.refetch()} />}
      {plans.isSuccess && (
        <DataTable
          label="License plans"
          data={rows}
          columns={columns}
          getRowId={(p) => String(p.id)}
          initialSorting={[{ id: 'start_month', desc: true }]}
          emptyMessage="No plan yet for this license."
          minWidth={720}
        />
      )}
      <PlanModal
        opened={modal.opened}
        onClose={() => setModal((m) => ({ ...m, opened: false }))}
        services={[service]}
        basePlan={modal.basePlan}
        serviceId={service.id}
      />
    </Card>
  );
}

function UsageSection({ service }: { service: Service }) {
  const topups = useTopups(service.id);
  const consumption = useConsumption(service.id);
  const balances = useBalances();
  const [modal, setModal] = useState<'topup' | 'consumption' | null>(null);
  const balance = balances.data?.find((b) => b.service_id === service.id);
  const currency = balance?.currency ?? 'USD';
  const events = useMemo(() => toUsageEvents(
    (topups.data ?? []).filter((t) => t.service_id === service.id),
    (consumption.data ?? []).filter((c) => c.service_id === service.id),
  ), [topups.data, consumption.data, service.id]);
  const error = topups.error ?? consumption.error;

  return (
    <Card component="section" aria-labelledby="usage-title">
      <Group justify="space-between" mb="sm" gap="sm">
        <div>
          <Title order={2} fz="lg" id="usage-title">Top-ups and consumption</Title>
          {balance && (
            <Text size="sm" c="dimmed">
              {'Balance '}
              <MoneyText value={balance.balance} currency={balance.currency} signed fw={700} />
            </Text>
          )}
        </div>
        <Group gap="xs">
          <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setModal('topup')}>Record Top-up</Button>
          <Button size="xs" variant="light" leftSection={<IconMinus size={14} />} onClick={() => setModal('consumption')}>Add Consumption</Button>
        </Group>
      </Group>
      {(topups.isPending || consumption.isPending) && <PageLoader />}
      {error && <ErrorState error={error} />}
      {topups.isSuccess && consumption.isSuccess && <UsageEventsTable events={events} label="Top-ups and consumption" />}
      <TopupModal
        opened={modal === 'topup'}
        onClose={() => setModal(null)}
        serviceId={service.id}
        serviceName={service.name}
        currency={balance?.last_topup_date ? balance.currency : null}
      />
      <ConsumptionModal
        opened={modal === 'consumption'}
        onClose={() => setModal(null)}
        serviceId={service.id}
        serviceName={service.name}
        currency={currency}
      />
    </Card>
  );
}

export function ServiceDetail() {
  const { serviceId } = useParams();
  const id = Number(serviceId);
  const service = useService(id);

  if (!Number.isInteger(id) || id <= 0) return <NotFound />;
  if (service.isPending) return <PageLoader label="Loading service…" />;
  if (service.isError) {
    if (service.error instanceof ApiError && service.error.status === 404) return <NotFound />;
    return <ErrorState error={service.error} onRetry={() => service.refetch()} />;
  }
  const s = service.data;
  return (
    <Stack gap="md">
      <Breadcrumbs>
        <Anchor component={Link} to="/services" size="sm">Services</Anchor>
        <Text size="sm">{s.name}</Text>
      </Breadcrumbs>
      <Group justify="space-between" align="flex-start">
        <div style={{ minWidth: 0 }}>
          <Title order={1} fz={{ base: 24, sm: 28 }}>{s.name}</Title>
          <Group gap="xs" mt={4}>
            <Text c="dimmed" size="sm">{s.provider_name}</Text>
            <Badge variant="light" tt="none" color={CATEGORY_BADGE[s.category_name] ?? 'gray'}>{s.category_name}</Badge>
            <Badge variant="dot" color={s.active ? 'teal' : 'gray'}>{s.active ? 'Active' : 'Inactive'}</Badge>
          </Group>
          {s.description && <Text size="sm" mt="xs">{s.description}</Text>}
        </div>
      </Group>
      {s.category_name === CATEGORY.infrastructure && <InvoicesSection service={s} />}
      {s.category_name === CATEGORY.license && <PlansSection service={s} />}
      {s.category_name === CATEGORY.usage && <UsageSection service={s} />}
    </Stack>
  );
}
