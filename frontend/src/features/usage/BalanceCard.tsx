import { type ReactNode, useState } from 'react';
import {
  Accordion, Badge, Button, Card, Group, SimpleGrid, Text, Title, Tooltip,
} from '@mantine/core';
import { IconMinus, IconPlus } from '@tabler/icons-react';
import { Link } from 'react-router-dom';
import type { Balance } from '@/api/types';
import { MoneyText } from '@/components/MoneyText';
import { RunwayBadge } from '@/components/RunwayBadge';
import { formatDate, formatMoney } from '@/lib/format';
import type { UsageEventKind } from './UsageEventModal';
import { UsageEventsTable } from './UsageEventsTable';

function Stat({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>{label}</Text>
      <div>{children}</div>
    </div>
  );
}

interface BalanceCardProps {
  balance: Balance;
  /** Outlined, with its events open (the service a link pointed to). */
  highlighted?: boolean;
  onRecord: (kind: UsageEventKind, balance: Balance) => void;
  /** The provider connections that sync this service's consumption, by name. */
  syncedBy?: string[];
}

/**
 * One usage service: its runway first (when the balance runs out at the 30-day
 * burn, coloured by urgency), then balance, burn, threshold and last top-up as
 * the server computed them, and its events, loaded only when their section is opened.
 */
export function BalanceCard({
  balance, highlighted = false, onRecord, syncedBy = [],
}: BalanceCardProps) {
  const [section, setSection] = useState<string | null>(highlighted ? 'events' : null);
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
            {balance.low_balance && <Badge color="orange" variant="light">Low balance</Badge>}
            {syncedBy.length > 0 && (
              <Tooltip label={`Consumption synced by ${syncedBy.join(', ')}`}>
                <Badge
                  component={Link}
                  to="/connections"
                  color="indigo"
                  variant="outline"
                  style={{ cursor: 'pointer' }}
                  aria-label={`Synced by ${syncedBy.join(', ')}`}
                >
                  Synced
                </Badge>
              </Tooltip>
            )}
          </Group>
          <Text size="sm" c="dimmed">{balance.provider_name}</Text>
          <RunwayBadge
            daysLeft={balance.days_left}
            runoutDate={balance.runout_date}
            size="lg"
            mt="xs"
            aria-label={`${balance.service_name} runway`}
          />
        </div>
        <Group gap="xs">
          <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => onRecord('topup', balance)}>Record Top-up</Button>
          <Button size="xs" variant="light" leftSection={<IconMinus size={14} />} onClick={() => onRecord('consumption', balance)}>
            Add Consumption
          </Button>
        </Group>
      </Group>
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="md" mb="sm">
        <Stat label="Balance">
          <MoneyText value={balance.balance} currency={balance.currency} signed fz="xl" fw={700} aria-label={`${balance.service_name} balance`} />
        </Stat>
        <Stat label="Daily burn (30 days)">
          <Text size="lg" style={{ whiteSpace: 'nowrap' }} aria-label={`${balance.service_name} daily burn`}>
            {`${formatMoney(balance.daily_burn, balance.currency)} / day`}
          </Text>
        </Stat>
        <Stat label={`Threshold (${balance.threshold_percent} %)`}>
          {balance.threshold_amount !== null ? <MoneyText value={balance.threshold_amount} currency={balance.currency} fz="lg" /> : (
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
      <Accordion variant="contained" value={section} onChange={setSection}>
        <Accordion.Item value="events">
          <Accordion.Control>Top-ups and consumption</Accordion.Control>
          <Accordion.Panel>
            {section === 'events' && (
              <UsageEventsTable serviceId={balance.service_id} label={`${balance.service_name} top-ups and consumption`} />
            )}
          </Accordion.Panel>
        </Accordion.Item>
      </Accordion>
    </Card>
  );
}
