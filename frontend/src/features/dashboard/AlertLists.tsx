import {
  Anchor, Badge, Card, Group, Stack, Text, Title,
} from '@mantine/core';
import { IconCalendarEvent, IconBatteryEco, IconHourglassLow } from '@tabler/icons-react';
import { Link } from 'react-router-dom';
import type { Balance, CommitmentAlert, LowBalanceAlert } from '@/api/types';
import { ErrorState, PageLoader } from '@/components/PageStates';
import { MoneyText } from '@/components/MoneyText';
import { RunwayBadge } from '@/components/RunwayBadge';
import {
  formatDate, formatDayMonth, formatDays, formatMoney,
} from '@/lib/format';
import { useCommitmentAlerts } from './api/get-commitment-alerts';
import { useLowBalanceAlerts } from './api/get-low-balance-alerts';
import { useOverview } from './api/get-overview';
import { useRunouts } from './api/get-runouts';

function CommitmentItem({ alert }: { alert: CommitmentAlert }) {
  const urgent = alert.days_remaining <= 30;
  return (
    <Group justify="space-between" wrap="nowrap" gap="sm" py={6}>
      <div style={{ minWidth: 0 }}>
        <Anchor component={Link} to={`/licenses?q=${encodeURIComponent(alert.service_name)}`} fw={600} size="sm">
          {alert.service_name}
        </Anchor>
        <Text span size="xs" c="dimmed">{` · ${alert.provider_name}`}</Text>
        <Text size="xs" c="dimmed">
          {'Ends '}
          {formatDate(alert.annual_commitment_end)}
          {' · '}
          <MoneyText value={alert.monthly_cost} currency={alert.currency} size="xs" />
          {` / month · ${alert.qty} seat(s)`}
        </Text>
      </div>
      <Badge color={urgent ? 'red' : 'yellow'} variant="light" style={{ flexShrink: 0 }}>
        {alert.days_remaining === 1 ? '1 day' : `${alert.days_remaining} days`}
      </Badge>
    </Group>
  );
}

function LowBalanceItem({ alert }: { alert: LowBalanceAlert }) {
  return (
    <Group justify="space-between" wrap="nowrap" gap="sm" py={6}>
      <div style={{ minWidth: 0 }}>
        <Anchor component={Link} to={`/usage?service=${alert.service_id}`} fw={600} size="sm">
          {alert.service_name}
        </Anchor>
        <Text size="xs" c="dimmed">
          {`Threshold (${alert.threshold_percent} %) `}
          <MoneyText value={alert.threshold_amount} currency={alert.currency} size="xs" />
          {' · last top-up '}
          <MoneyText value={alert.last_topup_amount} currency={alert.currency} size="xs" />
        </Text>
      </div>
      <MoneyText value={alert.balance} currency={alert.currency} signed fw={700} />
    </Group>
  );
}

/** Commitments ending within 90 days, one per service (the server picks the plan). */
export function CommitmentsCard() {
  const query = useCommitmentAlerts();
  const alerts = query.data ?? [];
  return (
    <Card component="section" aria-labelledby="commitments-title">
      <Group gap="xs" mb="xs">
        <IconCalendarEvent size={20} />
        <Title order={2} fz="lg" id="commitments-title">Commitments ending soon</Title>
      </Group>
      {query.isPending && <PageLoader />}
      {query.isError && <ErrorState error={query.error} onRetry={() => query.refetch()} />}
      {query.isSuccess && alerts.length === 0 && (
        <Text size="sm" c="dimmed">No annual commitment ends in the next 90 days.</Text>
      )}
      {query.isSuccess && alerts.length > 0 && (
        <Stack gap={0}>
          {alerts.map((alert) => <CommitmentItem key={alert.id} alert={alert} />)}
        </Stack>
      )}
    </Card>
  );
}

/** Usage services below the server's threshold, each linking to its card on the Usage page. */
export function LowBalanceCard() {
  const query = useLowBalanceAlerts();
  // The threshold in force, for the empty message (the alerts carry it too).
  const percent = useOverview().data?.low_balance_percent;
  return (
    <Card component="section" aria-labelledby="low-balance-title">
      <Group gap="xs" mb="xs">
        <IconBatteryEco size={20} />
        <Title order={2} fz="lg" id="low-balance-title">Low balances</Title>
      </Group>
      {query.isPending && <PageLoader />}
      {query.isError && <ErrorState error={query.error} onRetry={() => query.refetch()} />}
      {query.isSuccess && query.data.length === 0 && (
        <Text size="sm" c="dimmed">
          {percent ? `Every usage service is above ${percent} % of its last top-up.` : 'No usage service is low on balance.'}
        </Text>
      )}
      {query.isSuccess && query.data.length > 0 && (
        <Stack gap={0}>
          {query.data.map((alert) => <LowBalanceItem key={alert.service_id} alert={alert} />)}
        </Stack>
      )}
    </Card>
  );
}

/** "OpenAI runs out on 12 Dec, in 19 days" (or "… is out of funds"), from the server's runway. */
export function runoutSentence(balance: Balance): string {
  if (balance.days_left === null) return `${balance.service_name} is not burning funds`;
  if (balance.days_left <= 0) return `${balance.service_name} is out of funds`;
  // The year only when it is not this one.
  const sameYear = balance.runout_date?.slice(0, 4) === String(new Date().getFullYear());
  const on = balance.runout_date ? ` on ${formatDayMonth(balance.runout_date, !sameYear)},` : '';
  return `${balance.service_name} runs out${on} in ${formatDays(balance.days_left)}`;
}

function RunoutItem({ balance }: { balance: Balance }) {
  return (
    <Group justify="space-between" wrap="nowrap" gap="sm" py={6}>
      <div style={{ minWidth: 0 }}>
        <Anchor component={Link} to={`/usage?service=${balance.service_id}`} fw={600} size="sm">
          {runoutSentence(balance)}
        </Anchor>
        <Text size="xs" c="dimmed">
          {`${balance.provider_name} · ${formatMoney(balance.daily_burn, balance.currency)} / day over 30 days · balance `}
          <MoneyText value={balance.balance} currency={balance.currency} signed size="xs" />
        </Text>
      </div>
      <RunwayBadge
        daysLeft={balance.days_left}
        runoutDate={null}
        style={{ flexShrink: 0 }}
      />
    </Group>
  );
}

/** The prepaid services that run out first at their 30-day burn (sorted by the server). */
export function RunoutsCard() {
  const query = useRunouts();
  // Services that consumed nothing in 30 days never run out: not listed.
  const rows = (query.data?.rows ?? []).filter((balance) => balance.days_left !== null);
  return (
    <Card component="section" aria-labelledby="runouts-title">
      <Group gap="xs" mb="xs">
        <IconHourglassLow size={20} />
        <Title order={2} fz="lg" id="runouts-title">Prepaid runway</Title>
      </Group>
      {query.isPending && <PageLoader />}
      {query.isError && <ErrorState error={query.error} onRetry={() => query.refetch()} />}
      {query.isSuccess && rows.length === 0 && (
        <Text size="sm" c="dimmed">No prepaid service consumed anything in the last 30 days.</Text>
      )}
      {query.isSuccess && rows.length > 0 && (
        <Stack gap={0}>
          {rows.map((balance) => <RunoutItem key={balance.service_id} balance={balance} />)}
        </Stack>
      )}
    </Card>
  );
}
