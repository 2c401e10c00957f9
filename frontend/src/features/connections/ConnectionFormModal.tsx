import { useState } from 'react';
import {
  Alert, Anchor, Button, Collapse, Group, Modal, PasswordInput, Select, Stack, Switch, Text, TextInput,
  UnstyledButton,
} from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { IconChevronDown, IconChevronRight, IconInfoCircle } from '@tabler/icons-react';
import dayjs from 'dayjs';
import type {
  Connection, ConnectionCreate, ConnectionKind, ConnectionUpdate,
} from '@/api/types';
import type { Picker } from '@/components/SearchSelect';
import { toApiDate } from '@/lib/format';
import { requiredError } from '@/lib/validation';
import { useCreateConnection } from './api/create-connection';
import { useUpdateConnection } from './api/update-connection';
import { KIND_OPTIONS, KINDS, type KindInfo } from './kinds';

interface ConnectionFormValues {
  kind: ConnectionKind | null;
  name: string;
  service: string | null;
  credentials: Record<string, string>;
  baseUrl: string;
  syncFrom: string | null;
  enabled: boolean;
}

function initialValues(connection?: Connection | null): ConnectionFormValues {
  return {
    kind: connection?.kind ?? null,
    name: connection?.name ?? '',
    service: connection ? String(connection.service_id) : null,
    credentials: {},
    baseUrl: connection?.base_url ?? '',
    syncFrom: connection?.sync_from ?? null,
    enabled: connection?.enabled ?? true,
  };
}

/** The credentials typed for the kind's fields (trimmed); empty when none was typed. */
function typedCredentials(kind: ConnectionKind, values: Record<string, string>): Record<string, string> {
  const typed: Record<string, string> = {};
  KINDS[kind].fields.forEach(({ name }) => {
    const value = (values[name] ?? '').trim();
    if (value) typed[name] = value;
  });
  return typed;
}

function baseUrlError(value: string): string | null {
  const text = value.trim();
  if (!text) return null;
  if (!/^https?:\/\/\S+$/.test(text)) return 'Enter an http:// or https:// URL, or leave it empty';
  return null;
}

/** Only what differs from the connection; credentials only when new ones were typed. */
function connectionChanges(connection: Connection, values: ConnectionFormValues): ConnectionUpdate {
  const changes: ConnectionUpdate = {};
  if (values.name.trim() !== connection.name) changes.name = values.name.trim();
  if (Number(values.service) !== connection.service_id) changes.service_id = Number(values.service);
  const baseUrl = values.baseUrl.trim().replace(/\/+$/, '') || null;
  if (baseUrl !== connection.base_url) changes.base_url = baseUrl;
  const syncFrom = values.syncFrom ? toApiDate(values.syncFrom) : null;
  if (syncFrom && syncFrom !== connection.sync_from) changes.sync_from = syncFrom;
  if (values.enabled !== connection.enabled) changes.enabled = values.enabled;
  const credentials = typedCredentials(connection.kind, values.credentials);
  if (Object.keys(credentials).length > 0) changes.credentials = credentials;
  return changes;
}

/** Which key the kind needs, where to make it, and what a sync brings. */
function KindHelp({ info }: { info: KindInfo }) {
  return (
    <Alert variant="light" color="indigo" icon={<IconInfoCircle size={18} />} title={`What ${info.label} needs`}>
      <Stack gap={4}>
        <Text size="sm">{info.needs}</Text>
        <Text size="sm">
          {'Create it at '}
          <Anchor href={info.whereUrl} target="_blank" rel="noreferrer" size="sm">{info.where}</Anchor>
          .
        </Text>
        <Text size="sm" c="dimmed">{`Synced: ${info.synced}`}</Text>
      </Stack>
    </Alert>
  );
}

interface ConnectionFormProps {
  connection?: Connection | null;
  ServicePicker: Picker;
  onDone: () => void;
}

/** Mounted only while its modal is open: every open starts from `connection` (or empty), credentials blank. */
function ConnectionForm({ connection, ServicePicker, onDone }: ConnectionFormProps) {
  const create = useCreateConnection();
  const update = useUpdateConnection();
  const editing = Boolean(connection);
  const [advanced, setAdvanced] = useState(Boolean(connection?.base_url));
  const form = useForm<ConnectionFormValues>({
    initialValues: initialValues(connection),
    validate: {
      kind: (value) => requiredError(value, 'Choose a provider'),
      name: (value) => (value.trim() ? null : 'Enter a name'),
      service: (value) => requiredError(value, 'Choose the Usage service it feeds'),
      baseUrl: baseUrlError,
      credentials: (value, values) => {
        if (!values.kind) return null;
        const { fields } = KINDS[values.kind];
        const typed = typedCredentials(values.kind, value);
        // New connections need every field; an edit replaces all of them or none.
        if (!editing || Object.keys(typed).length > 0) {
          const missing = fields.find((field) => !typed[field.name]);
          if (missing) return `Enter the ${missing.label}`;
        }
        return null;
      },
    },
  });
  const { kind } = form.values;
  const info = kind ? KINDS[kind] : null;

  const submit = form.onSubmit((values) => {
    const chosenKind = values.kind!;
    if (connection) {
      const changes = connectionChanges(connection, values);
      if (Object.keys(changes).length === 0) {
        onDone();
        return;
      }
      update.mutate({ id: connection.id, changes }, { onSuccess: onDone });
      return;
    }
    const body: ConnectionCreate = {
      kind: chosenKind,
      name: values.name.trim(),
      service_id: Number(values.service),
      credentials: typedCredentials(chosenKind, values.credentials),
      base_url: values.baseUrl.trim().replace(/\/+$/, '') || null,
      enabled: values.enabled,
      sync_from: values.syncFrom ? toApiDate(values.syncFrom) : null,
    };
    create.mutate(body, { onSuccess: onDone });
  });

  const credentialsError = form.errors.credentials;
  return (
    <form onSubmit={submit} noValidate aria-label={editing ? 'Edit connection' : 'New connection'}>
      <Stack gap="sm">
        {editing && info ? (
          <TextInput label="Provider" value={info.label} readOnly disabled description="A connection keeps its provider." />
        ) : (
          <Select
            label="Provider"
            required
            data={KIND_OPTIONS}
            allowDeselect={false}
            placeholder="Choose a provider"
            comboboxProps={{ withinPortal: true }}
            data-autofocus
            {...form.getInputProps('kind')}
            onChange={(value) => {
              const next = value as ConnectionKind | null;
              // Suggest a name until one is typed.
              const suggested = !form.values.name || KIND_OPTIONS.some((option) => option.label === form.values.name);
              if (next && suggested) form.setFieldValue('name', KINDS[next].label);
              form.setFieldValue('kind', next);
              form.setFieldValue('credentials', {});
              form.clearFieldError('credentials');
            }}
          />
        )}
        {info && <KindHelp info={info} />}
        <TextInput label="Name" required {...form.getInputProps('name')} />
        <ServicePicker
          label="Usage service"
          required
          description="Its consumption is written by the sync, one row per day."
          selectedLabel={connection?.service_name}
          {...form.getInputProps('service')}
        />
        {info && (
          <Stack gap="xs">
            {editing && connection?.has_credentials && (
              <Text size="sm" c="dimmed">Credentials are stored — enter new ones to replace them.</Text>
            )}
            {info.fields.map((field) => {
              const Input = field.secret ? PasswordInput : TextInput;
              const value = form.values.credentials[field.name] ?? '';
              const typed = value.trim();
              const warning = field.prefix && typed && !typed.startsWith(field.prefix)
                ? `This does not look like a ${field.label.toLowerCase()}: it usually starts with ${field.prefix}`
                : null;
              return (
                <Input
                  key={field.name}
                  label={field.label}
                  required={!editing}
                  placeholder={editing ? 'stored — enter a new one to replace' : field.placeholder}
                  autoComplete="off"
                  spellCheck={false}
                  value={value}
                  onChange={(event) => {
                    form.setFieldValue('credentials', { ...form.values.credentials, [field.name]: event.currentTarget.value });
                    form.clearFieldError('credentials');
                  }}
                  description={warning ?? undefined}
                  styles={warning ? { description: { color: 'var(--mantine-color-orange-7)' } } : undefined}
                  error={credentialsError && !typed ? credentialsError : undefined}
                />
              );
            })}
            <Text size="xs" c="dimmed">Keys are encrypted on the server and never shown again.</Text>
          </Stack>
        )}
        <DatePickerInput
          label="Sync from"
          placeholder="90 days ago"
          clearable={!editing}
          valueFormat="YYYY-MM-DD"
          maxDate={dayjs().format('YYYY-MM-DD')}
          description={editing
            ? 'The first day to import; an earlier day imports the days before on the next sync.'
            : 'The first day to import; 90 days ago when empty.'}
          {...form.getInputProps('syncFrom')}
        />
        <Switch
          label="Enabled"
          description="Synced on the schedule; “Sync now” works either way."
          {...form.getInputProps('enabled', { type: 'checkbox' })}
        />
        <UnstyledButton
          onClick={() => setAdvanced((open) => !open)}
          aria-expanded={advanced}
          style={{ display: 'flex', alignItems: 'center', gap: 4 }}
        >
          {advanced ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
          <Text size="sm" fw={500}>Advanced</Text>
        </UnstyledButton>
        <Collapse in={advanced}>
          <TextInput
            label="Base URL"
            placeholder={info?.defaultBaseUrl ?? 'The provider’s public API'}
            description="Leave empty for the provider’s public API; set it for a proxy or a test server."
            {...form.getInputProps('baseUrl')}
          />
        </Collapse>
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onDone}>Cancel</Button>
          <Button type="submit" loading={create.isPending || update.isPending}>
            {editing ? 'Save changes' : 'Add connection'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

interface ConnectionFormModalProps {
  opened: boolean;
  onClose: () => void;
  /** Edit this connection; without it, add a new one. */
  connection?: Connection | null;
  ServicePicker: Picker;
}

/** Add a provider connection, or edit one (its credentials only replaced when typed). */
export function ConnectionFormModal({
  opened, onClose, connection, ServicePicker,
}: ConnectionFormModalProps) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={connection ? `Edit “${connection.name}”` : 'New connection'}
      centered
      size="lg"
    >
      <ConnectionForm connection={connection} ServicePicker={ServicePicker} onDone={onClose} />
    </Modal>
  );
}
