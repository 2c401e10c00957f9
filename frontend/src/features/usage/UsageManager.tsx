import { useEffect, useMemo, useState } from 'react';
import {
  Accordion, Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title,
} from '@mantine/core';
import { IconMinus, IconPlus } from '@tabler/icons-react';
import { Link, useSearchParams } from 'react-router-dom';
import type {
  Balance, Consumption, LowBalanceAlert, Topup,
} from '@/api/types';
import { EmptyState, ErrorState, PageLoader } from '@/components/PageStates';
import { MoneyText } from '@/components/MoneyText';
import { PageHeader } from '@/components/PageHeader';
import { LOW_BALANCE_PERCENT, useLowBalanceAlerts } from '@/features/dashboard/api/get-low-balance-alerts';
import { formatDate, formatMoney } from '@/lib/format';
import { useBalances } from './api/get-balances';
import { useConsumption } from './api/get-consumption';
import { useTopups } from './api/get-topups';
import { ConsumptionModal } from './ConsumptionModal';
import { TopupModal } from './TopupModal';
import { toUsageEvents, UsageEventsTable } from './UsageEventsTable';

type ModalState = { kind: 'topup' | 'consumption'; balance: Balance } | null;

/** The server's default threshold (20 % of the last top-up), or the alert's. */
function thresholdOf(balance: Balance, alert?: LowBalanceAlert): string | null {
  return balance.threshold_amount ?? alert?.threshold_amount ?? null;
}

function Stat({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>{label}</Text>
      <div>{children}</div>
    </div>
  );
}

interface ServiceCardProps {
  balance: Balance;
  alert?: LowBalanceAlert;
  topups: Topup[];
  consumption: Consumption[];
  eventsLoading: boolean;
  highlighted: boolean;
  onRecord: (kind: 'topup' | 'consumption', balance: Balance) => void;
}

function ServiceCard({
  balance, alert, topups, consumption, eventsLoading, highlighted, onRecord,
}: ServiceCardProps) {
  const threshold = thresholdOf(balance, alert);
  const events = useMemo(
    () => toUsageEvents(topups, consumption),
    [topups, consumption],
  );
  return (
    <Card
      component="section"
      aria-labelledby={`usage-${balance.service_id}`}
      id={`service-${balance.service_id}`}
      style={highlighted ? { borderColor: 'var(--mantine-color-indigo-5)', borderWidth: 2 } : undefined}
    >
      <Group justify="space-between" align="flex-start" gap="sm" mb="md">
        <div style={{ minWidth: 0 }}>
          <Group gap="xs">
            <Title order={2} fz="lg" id={`usage-${balance.service_id}`}>
              <Link to={`/services/${balance.service_id}`} style={{ color: 'inherit', textDecoration: 'none' }}>{balance.service_name}</Link>
            </Title>
            {alert && <Badge color="orange" variant="light">Low balance</Badge>}
          </Group>
          <Text size="sm" c="dimmed">{balance.provider_name}</Text>
        </div>
        <Group gap="xs">
          <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => onRecord('topup', balance)}>Record Top-up</Button>
          <Button size="xs" variant="light" leftSection={<IconMinus size={14} />} onClick={() => onRecord('consumption', balance)}>
            Add Consumption
          </Button>
        </Group>
      </Group>
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="md" mb="sm">
        <Stat label="Balance">
          <MoneyText value={balance.balance} currency={balance.currency} signed fz="xl" fw={700} aria-label={`${balance.service_name} balance`} />
        </Stat>
        <Stat label={`Threshold (${LOW_BALANCE_PERCENT} %)`}>
          {threshold !== null ? <MoneyText value={threshold} currency={balance.currency} fz="lg" /> : (
            <Text size="sm" c="dimmed">No top-up yet</Text>
          )}
        </Stat>
        <Stat label="Last top-up">
          <Text size="lg">{formatDate(balance.last_topup_date)}</Text>
        </Stat>
        <Stat label="Topped up / consumed">
          <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
            {`${formatMoney(balance.total_topups, balance.currency)} / ${formatMoney(balance.total_consumed, balance.currency)}`}
          </Text>
        </Stat>
      </SimpleGrid>
      <Accordion variant="contained" defaultValue={highlighted ? 'events' : null}>
        <Accordion.Item value="events">
          <Accordion.Control>{`Top-ups and consumption (${events.length})`}</Accordion.Control>
          <Accordion.Panel>
            {eventsLoading ? <PageLoader /> : <UsageEventsTable events={events} label={`${balance.service_name} top-ups and consumption`} />}
          </Accordion.Panel>
        </Accordion.Item>
      </Accordion>
    </Card>
  );
}

export function UsageManager() {
  const balances = useBalances();
  const alerts = useLowBalanceAlerts();
  const topups = useTopups();
  const consumption = useConsumption();
  const [modal, setModal] = useState<ModalState>(null);
  const [params] = useSearchParams();
  const focus = Number(params.get('service')) || null;

  useEffect(() => {
    if (focus && balances.isSuccess) {
      document.getElementById(`service-${focus}`)?.scrollIntoView({ behavior: 'smooth', block: 'start' });
    }
  }, [focus, balances.isSuccess]);

  const byService = <T extends { service_id: number }>(rows: T[] | undefined, id: number) => (
    (rows ?? []).filter((row) => row.service_id === id));
  const eventsError = topups.error ?? consumption.error;

  let content;
  if (balances.isPending) content = <PageLoader label="Loading balances…" />;
  else if (balances.isError) content = <ErrorState error={balances.error} onRetry={() => balances.refetch()} />;
  else if (balances.data.length === 0) {
    content = (
      <EmptyState title="No usage services" action={<Button component={Link} to="/services">Go to Services</Button>}>
        Create a service in the Usage category to track prepaid balances.
      </EmptyState>
    );
  } else {
    content = (
      <Stack gap="md">
        {eventsError && <ErrorState error={eventsError} title="Could not load top-ups and consumption" />}
        {balances.data.map((balance) => (
          <ServiceCard
            key={balance.service_id}
            balance={balance}
            alert={alerts.data?.find((a) => a.service_id === balance.service_id)}
            topups={byService(topups.data, balance.service_id)}
            consumption={byService(consumption.data, balance.service_id)}
            eventsLoading={topups.isPending || consumption.isPending}
            highlighted={focus === balance.service_id}
            onRecord={(kind, row) => setModal({ kind, balance: row })}
          />
        ))}
      </Stack>
    );
  }

  const current = modal?.balance;
  return (
    <>
      <PageHeader title="Usage" description="Prepaid services: balances, top-ups and consumption" />
      {content}
      {current && (
        <>
          <TopupModal
            opened={modal?.kind === 'topup'}
            onClose={() => setModal(null)}
            serviceId={current.service_id}
            serviceName={current.service_name}
            currency={current.last_topup_date ? current.currency : null}
          />
          <ConsumptionModal
            opened={modal?.kind === 'consumption'}
            onClose={() => setModal(null)}
            serviceId={current.service_id}
            serviceName={current.service_name}
            currency={current.currency}
          />
        </>
      )}
    </>
  );
}
