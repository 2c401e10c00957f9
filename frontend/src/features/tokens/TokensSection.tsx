import { useMemo, useState } from 'react';
import {
  Alert, Badge, Button, Card, Code, CopyButton, Group, Modal, Select, Stack, Text, TextInput, Title,
} from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import {
  IconAlertTriangle, IconCheck, IconCopy, IconPlus,
} from '@tabler/icons-react';
import { createColumnHelper } from '@tanstack/react-table';
import dayjs from 'dayjs';
import type { ApiToken, ApiTokenCreated } from '@/api/types';
import { DataTable, useServerTable } from '@/components/DataTable';
import { confirmDestructive } from '@/components/confirm';
import { formatDate } from '@/lib/format';
import { useCreateToken } from './api/create-token';
import { useDeleteToken } from './api/delete-token';
import { useTokens } from './api/get-tokens';

const column = createColumnHelper<ApiToken>();

type Scope = ApiToken['scope'];

const SCOPE_HELP: Record<Scope, string> = {
  read: 'Read only: the token may only read (GET); any change is refused.',
  write: 'Read and write: everything the admin can do, except managing tokens.',
};

interface TokenFormValues {
  name: string;
  scope: Scope;
  expires: string | null;
}

/** The "New API token" form: mounted only while its modal is open. */
function TokenForm({ onCreated }: { onCreated: (token: ApiTokenCreated) => void }) {
  const mutation = useCreateToken();
  const form = useForm<TokenFormValues>({
    initialValues: { name: '', scope: 'read', expires: null },
    validate: {
      name: (value) => (value.trim() ? null : 'Enter a name'),
    },
  });
  const submit = form.onSubmit((values) => {
    mutation.mutate({
      name: values.name.trim(),
      scope: values.scope,
      // The end of the chosen day, local time (sent as UTC).
      expires_at: values.expires ? dayjs(values.expires).endOf('day').toISOString() : null,
    }, { onSuccess: onCreated });
  });
  return (
    <form onSubmit={submit} noValidate aria-label="New API token">
      <Stack gap="sm">
        <TextInput label="Name" required placeholder="e.g. nightly export" data-autofocus {...form.getInputProps('name')} />
        <Select
          label="Scope"
          required
          allowDeselect={false}
          data={[{ value: 'read', label: 'Read' }, { value: 'write', label: 'Write' }]}
          description={SCOPE_HELP[form.values.scope]}
          {...form.getInputProps('scope')}
        />
        <DatePickerInput
          label="Expires"
          placeholder="Never"
          clearable
          valueFormat="YYYY-MM-DD"
          minDate={dayjs().add(1, 'day').format('YYYY-MM-DD')}
          description="Optional: the token stops working after this day."
          {...form.getInputProps('expires')}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={mutation.isPending}>Create token</Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The token just made, shown this one time only. */
function CreatedToken({ token, onDone }: { token: ApiTokenCreated; onDone: () => void }) {
  return (
    <Stack gap="sm">
      <Alert color="orange" icon={<IconAlertTriangle size={18} />} title="Copy it now">
        This token will not be shown again. Store it somewhere safe; if it is lost, revoke it and create a new one.
      </Alert>
      <Text size="sm">
        {'Send it as '}
        <Code>Authorization: Bearer &lt;token&gt;</Code>
        .
      </Text>
      <Group gap="xs" wrap="nowrap" align="center">
        <Code
          block
          style={{
            flex: 1, minWidth: 0, wordBreak: 'break-all', whiteSpace: 'pre-wrap',
          }}
          aria-label="New token"
        >
          {token.token}
        </Code>
        <CopyButton value={token.token}>
          {({ copied, copy }) => (
            <Button
              variant={copied ? 'filled' : 'light'}
              color={copied ? 'teal' : undefined}
              leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
              onClick={copy}
            >
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
      </Group>
      <Group justify="flex-end">
        <Button onClick={onDone}>Done, I have copied it</Button>
      </Group>
    </Stack>
  );
}

/** Settings: the API tokens for scripts (list, create, revoke). */
export function TokensSection() {
  const table = useServerTable();
  const tokens = useTokens({ limit: table.limit, offset: table.offset });
  const { mutate: revoke } = useDeleteToken();
  const [formOpened, setFormOpened] = useState(false);
  const [created, setCreated] = useState<ApiTokenCreated | null>(null);

  const columns = useMemo(() => [
    column.accessor('name', { header: 'Name', enableSorting: false }),
    column.accessor('scope', {
      header: 'Scope',
      enableSorting: false,
      cell: ({ getValue }) => (
        <Badge variant="light" color={getValue() === 'write' ? 'orange' : 'blue'}>{getValue()}</Badge>
      ),
    }),
    column.accessor('prefix', {
      header: 'Token',
      enableSorting: false,
      cell: ({ getValue }) => <Code>{`${getValue()}…`}</Code>,
    }),
    column.accessor('created_at', {
      header: 'Created', enableSorting: false, cell: ({ getValue }) => formatDate(getValue()),
    }),
    column.accessor('expires_at', {
      header: 'Expires', enableSorting: false, cell: ({ getValue }) => (getValue() ? formatDate(getValue()) : 'never'),
    }),
    column.accessor('last_used_at', {
      header: 'Last used', enableSorting: false, cell: ({ getValue }) => (getValue() ? formatDate(getValue()) : 'never'),
    }),
    column.display({
      id: 'actions',
      header: 'Actions',
      meta: { align: 'right' },
      cell: ({ row: { original } }) => (
        <Button
          size="xs"
          variant="subtle"
          color="red"
          aria-label={`Revoke ${original.name}`}
          onClick={() => confirmDestructive({
            title: `Revoke the token "${original.name}"?`,
            message: 'Scripts using it will get 401 from now on. This cannot be undone.',
            confirmLabel: 'Revoke token',
            onConfirm: () => revoke(original.id),
          })}
        >
          Revoke
        </Button>
      ),
    }),
  ], [revoke]);

  return (
    <Card component="section" aria-labelledby="tokens-title" mt="lg">
      <Group justify="space-between" mb="sm" gap="sm">
        <div>
          <Title order={2} fz="lg" id="tokens-title">API tokens</Title>
          <Text size="sm" c="dimmed">For scripts: send one as a bearer token instead of signing in.</Text>
        </div>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setFormOpened(true)}>New API token</Button>
      </Group>
      <DataTable
        label="API tokens"
        table={table}
        query={tokens}
        columns={columns}
        getRowId={(token) => String(token.id)}
        withSearch={false}
        loadingLabel="Loading tokens…"
        emptyMessage="No API tokens yet."
        minWidth={640}
      />
      <Modal opened={formOpened} onClose={() => setFormOpened(false)} title="New API token" centered>
        <TokenForm
          onCreated={(token) => {
            setFormOpened(false);
            setCreated(token);
          }}
        />
      </Modal>
      <Modal
        opened={created !== null}
        onClose={() => setCreated(null)}
        title="Your new API token"
        centered
        size="lg"
        closeOnClickOutside={false}
      >
        {created && <CreatedToken token={created} onDone={() => setCreated(null)} />}
      </Modal>
    </Card>
  );
}
