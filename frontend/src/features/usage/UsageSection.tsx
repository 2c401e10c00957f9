import { useState } from 'react';
import {
  Button, Card, Group, Text, Title,
} from '@mantine/core';
import { IconMinus, IconPlus } from '@tabler/icons-react';
import { MoneyText } from '@/components/MoneyText';
import { ErrorState } from '@/components/PageStates';
import { useBalance } from './api/get-balance';
import { type UsageEventKind, UsageEventModal } from './UsageEventModal';
import { UsageEventsTable } from './UsageEventsTable';

interface UsageService {
  id: number;
  name: string;
}

/** A usage service's balance, its top-ups and consumption, and buttons to record either. */
export function UsageSection({ service }: { service: UsageService }) {
  const balance = useBalance(service.id);
  const [modal, setModal] = useState<{ opened: boolean; kind: UsageEventKind }>({ opened: false, kind: 'topup' });
  const open = (kind: UsageEventKind) => setModal({ opened: true, kind });

  return (
    <Card component="section" aria-labelledby="usage-title">
      <Group justify="space-between" mb="sm" gap="sm">
        <div>
          <Title order={2} fz="lg" id="usage-title">Top-ups and consumption</Title>
          {balance.data && (
            <Text size="sm" c="dimmed">
              {'Balance '}
              <MoneyText value={balance.data.balance} currency={balance.data.currency} signed fw={700} />
            </Text>
          )}
        </div>
        <Group gap="xs">
          <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => open('topup')}>Record Top-up</Button>
          <Button size="xs" variant="light" leftSection={<IconMinus size={14} />} onClick={() => open('consumption')}>Add Consumption</Button>
        </Group>
      </Group>
      {balance.isError && <ErrorState error={balance.error} title="Could not load the balance" />}
      <UsageEventsTable serviceId={service.id} label="Top-ups and consumption" />
      <UsageEventModal
        opened={modal.opened}
        onClose={() => setModal((current) => ({ ...current, opened: false }))}
        kind={modal.kind}
        target={balance.data ?? { service_id: service.id, service_name: service.name }}
      />
    </Card>
  );
}
