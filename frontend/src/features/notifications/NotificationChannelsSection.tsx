import { useState } from 'react';
import {
  Alert, Badge, Button, Card, Checkbox, Group, Loader, Modal, PasswordInput, Select, Stack, Switch,
  Table, Text, TextInput, Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconPlus } from '@tabler/icons-react';
import type { NotificationChannel, NotificationChannelCreate } from '@/api/types';
import { confirmDestructive } from '@/components/confirm';
import { formatDateTime } from '@/lib/format';
import { errorMessage } from '@/lib/notify';
import { useDeleteChannel } from './api/delete-channel';
import { useChannels } from './api/get-channels';
import { useDeliveries } from './api/get-deliveries';
import { useSaveChannel } from './api/save-channel';
import { useTestChannel } from './api/test-channel';

type Kind = NotificationChannel['kind'];
type AlertKind = NotificationChannel['kinds'][number];

export const KIND_LABELS: Record<Kind, string> = { email: 'Email', slack: 'Slack', webhook: 'Webhook' };

const ALERT_KINDS: { value: AlertKind; label: string }[] = [
  { value: 'budget', label: 'Budgets' },
  { value: 'low_balance', label: 'Low balances' },
  { value: 'runway', label: 'Prepaid runway' },
  { value: 'commitment', label: 'Commitments' },
  { value: 'anomaly', label: 'Anomalies' },
];

const TARGET: Record<Kind, { label: string; placeholder: string; description: string }> = {
  email: {
    label: 'Email address',
    placeholder: 'finance@example.com',
    description: 'Sent through the SMTP server of COSTWATCH_SMTP_HOST.',
  },
  slack: {
    label: 'Slack webhook URL',
    placeholder: 'https://hooks.slack.com/services/…',
    description: 'An incoming webhook of a Slack app, added to the channel to post in.',
  },
  webhook: {
    label: 'Webhook URL',
    placeholder: 'https://hooks.example.com/costwatch',
    description: 'Receives a signed JSON POST (X-CostWatch-Signature; see the README).',
  },
};

interface ChannelFormValues {
  kind: Kind;
  name: string;
  target: string;
  secret: string;
  enabled: boolean;
  kinds: AlertKind[];
}

function checkTarget(kind: Kind, value: string): string | null {
  const target = value.trim();
  if (!target) return `Enter the ${TARGET[kind].label.toLowerCase()}`;
  if (kind === 'email') return /^[^@\s]+@[^@\s]+$/.test(target) ? null : 'Enter an email address';
  return /^https?:\/\/\S+$/.test(target) ? null : 'Enter an http:// or https:// URL';
}

/** Add or edit a channel: mounted only while its modal is open. */
function ChannelForm({ channel, onSaved }: { channel: NotificationChannel | null; onSaved: () => void }) {
  const mutation = useSaveChannel();
  const form = useForm<ChannelFormValues>({
    initialValues: {
      kind: channel?.kind ?? 'email',
      name: channel?.name ?? '',
      target: channel?.target ?? '',
      secret: '',
      enabled: channel?.enabled ?? true,
      kinds: channel?.kinds ?? ALERT_KINDS.map((kind) => kind.value),
    },
    validate: {
      name: (value) => (value.trim() ? null : 'Enter a name'),
      target: (value, values) => checkTarget(values.kind, value),
      secret: (value, values) => {
        if (values.kind !== 'webhook') return null;
        if (!value && channel?.has_secret && channel.kind === 'webhook') return null;
        return value.length >= 16 ? null : 'Enter a signing key of 16 characters or more';
      },
      kinds: (value) => (value.length ? null : 'Choose at least one kind of alert'),
    },
  });
  const { kind } = form.values;
  const submit = form.onSubmit((values) => {
    const body: NotificationChannelCreate = {
      kind: values.kind,
      name: values.name.trim(),
      target: values.target.trim(),
      enabled: values.enabled,
      kinds: values.kinds,
    };
    if (values.kind === 'webhook' && values.secret) body.secret = values.secret;
    const save = channel ? { id: channel.id, body } : { id: null, body };
    mutation.mutate(save, { onSuccess: onSaved });
  });
  return (
    <form onSubmit={submit} noValidate aria-label={channel ? 'Edit channel' : 'New channel'}>
      <Stack gap="sm">
        <Select
          label="Kind"
          required
          allowDeselect={false}
          data={(Object.keys(KIND_LABELS) as Kind[]).map((value) => ({ value, label: KIND_LABELS[value] }))}
          {...form.getInputProps('kind')}
        />
        <TextInput label="Name" required placeholder="e.g. Finance team" data-autofocus {...form.getInputProps('name')} />
        <TextInput
          label={TARGET[kind].label}
          required
          placeholder={TARGET[kind].placeholder}
          description={TARGET[kind].description}
          {...form.getInputProps('target')}
        />
        {kind === 'webhook' && (
          <PasswordInput
            label="Signing secret"
            required={!channel?.has_secret}
            description={channel?.has_secret
              ? 'Stored encrypted and never shown. Leave empty to keep it; type a new one to replace it.'
              : 'The receiver checks each message with it (16 characters or more). Stored encrypted.'}
            autoComplete="new-password"
            {...form.getInputProps('secret')}
          />
        )}
        <Checkbox.Group label="Alerts it receives" {...form.getInputProps('kinds')}>
          <Group mt="xs" gap="md">
            {ALERT_KINDS.map((option) => (
              <Checkbox key={option.value} value={option.value} label={option.label} />
            ))}
          </Group>
        </Checkbox.Group>
        <Switch label="Enabled" {...form.getInputProps('enabled', { type: 'checkbox' })} />
        <Group justify="flex-end">
          <Button type="submit" loading={mutation.isPending}>Save channel</Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The delivery log of one channel. */
function Deliveries({ channel }: { channel: NotificationChannel }) {
  const deliveries = useDeliveries(channel.id);
  if (deliveries.isPending) return <Loader size="sm" aria-label="Loading deliveries…" />;
  if (deliveries.isError) return <Alert color="red">{errorMessage(deliveries.error)}</Alert>;
  if (!deliveries.data.length) return <Text c="dimmed">Nothing sent to this channel yet.</Text>;
  return (
    <Table aria-label={`Deliveries to ${channel.name}`} striped>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>When</Table.Th>
          <Table.Th>Event</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>Tries</Table.Th>
          <Table.Th>Error</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {deliveries.data.map((delivery) => (
          <Table.Tr key={delivery.id}>
            <Table.Td>{formatDateTime(delivery.started_at)}</Table.Td>
            <Table.Td>{delivery.event}</Table.Td>
            <Table.Td>
              <Badge variant="light" color={{ sent: 'teal', failed: 'red', sending: 'gray' }[delivery.status]}>
                {delivery.status}
              </Badge>
            </Table.Td>
            <Table.Td>{delivery.attempts}</Table.Td>
            <Table.Td>{delivery.error ?? ''}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Settings: where alerts are sent (email, Slack, signed webhooks), with a test button. */
export function NotificationChannelsSection() {
  const channels = useChannels();
  const save = useSaveChannel();
  const test = useTestChannel();
  const { mutate: remove } = useDeleteChannel();
  const [editing, setEditing] = useState<NotificationChannel | 'new' | null>(null);
  const [logOf, setLogOf] = useState<NotificationChannel | null>(null);

  let body;
  if (channels.isPending) {
    body = <Loader size="sm" aria-label="Loading channels…" />;
  } else if (channels.isError) {
    body = <Alert color="red">{errorMessage(channels.error)}</Alert>;
  } else if (!channels.data.length) {
    body = <Text c="dimmed">No notification channels yet.</Text>;
  } else {
    body = (
      <Table.ScrollContainer minWidth={720}>
        <Table aria-label="Notification channels" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Target</Table.Th>
              <Table.Th>Receives</Table.Th>
              <Table.Th>Enabled</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {channels.data.map((channel) => (
              <Table.Tr key={channel.id}>
                <Table.Td>{channel.name}</Table.Td>
                <Table.Td>
                  <Badge variant="light">{KIND_LABELS[channel.kind]}</Badge>
                  {channel.has_secret && <Text span size="xs" c="dimmed" ml={6}>signed</Text>}
                </Table.Td>
                <Table.Td style={{ wordBreak: 'break-all' }}>{channel.target}</Table.Td>
                <Table.Td>{channel.kinds.join(', ')}</Table.Td>
                <Table.Td>
                  <Switch
                    aria-label={`Enable ${channel.name}`}
                    checked={channel.enabled}
                    disabled={save.isPending}
                    onChange={(event) => save.mutate({
                      id: channel.id, body: { enabled: event.currentTarget.checked },
                    })}
                  />
                </Table.Td>
                <Table.Td>
                  <Group gap={4} justify="flex-end" wrap="nowrap">
                    <Button
                      size="xs"
                      variant="light"
                      aria-label={`Send a test to ${channel.name}`}
                      loading={test.isPending && test.variables === channel.id}
                      onClick={() => test.mutate(channel.id)}
                    >
                      Send test
                    </Button>
                    <Button size="xs" variant="subtle" aria-label={`Deliveries to ${channel.name}`} onClick={() => setLogOf(channel)}>
                      Deliveries
                    </Button>
                    <Button size="xs" variant="subtle" aria-label={`Edit ${channel.name}`} onClick={() => setEditing(channel)}>
                      Edit
                    </Button>
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      aria-label={`Delete ${channel.name}`}
                      onClick={() => confirmDestructive({
                        title: `Delete the channel "${channel.name}"?`,
                        message: 'Alerts stop going there, and its delivery log is removed.',
                        confirmLabel: 'Delete channel',
                        onConfirm: () => remove(channel.id),
                      })}
                    >
                      Delete
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    );
  }

  return (
    <Card component="section" aria-labelledby="channels-title" mt="lg">
      <Group justify="space-between" mb="sm" gap="sm">
        <div>
          <Title order={2} fz="lg" id="channels-title">Notification channels</Title>
          <Text size="sm" c="dimmed">Where alerts are sent: email, Slack, or a signed webhook.</Text>
        </div>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>New channel</Button>
      </Group>
      {test.isError && (
        <Alert color="red" title="The test was not delivered" mb="sm" withCloseButton onClose={() => test.reset()}>
          {errorMessage(test.error)}
        </Alert>
      )}
      {body}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? 'New notification channel' : 'Edit notification channel'}
        centered
        size="lg"
      >
        {editing !== null && (
          <ChannelForm channel={editing === 'new' ? null : editing} onSaved={() => setEditing(null)} />
        )}
      </Modal>
      <Modal opened={logOf !== null} onClose={() => setLogOf(null)} title={`Deliveries: ${logOf?.name ?? ''}`} centered size="xl">
        {logOf && <Deliveries channel={logOf} />}
      </Modal>
    </Card>
  );
}
