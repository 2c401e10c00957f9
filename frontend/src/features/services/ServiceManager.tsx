import { useMemo, useState } from 'react';
import {
  ActionIcon, Anchor, Badge, Button, Card, Group, Select, Switch, Text, TextInput, Tooltip,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconCheck, IconPencil, IconPlus, IconTrash, IconX,
} from '@tabler/icons-react';
import { createColumnHelper } from '@tanstack/react-table';
import { Link } from 'react-router-dom';
import type { Service, ServiceUpdate } from '@/api/types';
import { DataTable } from '@/components/DataTable';
import { EmptyState, ErrorState, PageLoader } from '@/components/PageStates';
import { PageHeader } from '@/components/PageHeader';
import { confirmDestructive } from '@/components/confirm';
import { CATEGORY_BADGE } from '@/theme';
import { useCategories } from './api/get-categories';
import { useDeleteService } from './api/delete-service';
import { useProviders } from './api/get-providers';
import { useServices } from './api/get-services';
import { useUpdateService } from './api/update-service';
import { ProviderSelect } from './ProviderSelect';
import { ServiceFormModal } from './ServiceFormModal';

interface Draft {
  name: string;
  provider: string | null;
  category: string | null;
  description: string;
}

const column = createColumnHelper<Service>();

export function ServiceManager() {
  const services = useServices();
  const providers = useProviders();
  const categories = useCategories();
  const updateService = useUpdateService();
  const deleteService = useDeleteService();
  const [createOpened, createModal] = useDisclosure(false);
  const [editing, setEditing] = useState<{ id: number; draft: Draft } | null>(null);

  const startEdit = (service: Service) => setEditing({
    id: service.id,
    draft: {
      name: service.name,
      provider: String(service.provider_id),
      category: String(service.category_id),
      description: service.description ?? '',
    },
  });

  const setDraft = (changes: Partial<Draft>) => setEditing((current) => (
    current ? { ...current, draft: { ...current.draft, ...changes } } : current));

  const saveEdit = (service: Service) => {
    if (!editing) return;
    const { draft } = editing;
    const changes: ServiceUpdate = {};
    if (draft.name.trim() && draft.name.trim() !== service.name) changes.name = draft.name.trim();
    if (draft.provider && Number(draft.provider) !== service.provider_id) changes.provider_id = Number(draft.provider);
    if (draft.category && Number(draft.category) !== service.category_id) changes.category_id = Number(draft.category);
    const description = draft.description.trim() || null;
    if (description !== (service.description || null)) changes.description = description;
    if (Object.keys(changes).length === 0) {
      setEditing(null);
      return;
    }
    updateService.mutate({ id: service.id, changes }, { onSuccess: () => setEditing(null) });
  };

  const askDelete = (service: Service) => confirmDestructive({
    title: `Delete “${service.name}”?`,
    message: 'The service becomes inactive and leaves the active lists. Its past costs stay in every report.',
    confirmLabel: 'Delete service',
    onConfirm: () => deleteService.mutate({ id: service.id, name: service.name }),
  });

  const categoryNames = useMemo(() => (categories.data ?? []).map((c) => c.name), [categories.data]);
  const providerNames = useMemo(() => (providers.data ?? []).map((p) => p.name).sort(), [providers.data]);

  const columns = useMemo(() => {
    const isEditing = (service: Service) => editing?.id === service.id;
    return [
      column.accessor('name', {
        header: 'Name',
        cell: ({ row: { original } }) => (isEditing(original) ? (
          <TextInput
            aria-label="Name"
            size="xs"
            value={editing!.draft.name}
            onChange={(event) => setDraft({ name: event.currentTarget.value })}
            error={editing!.draft.name.trim() ? undefined : 'Required'}
            miw={160}
          />
        ) : (
          <Anchor component={Link} to={`/services/${original.id}`} fw={600} size="sm">{original.name}</Anchor>
        )),
      }),
      column.accessor('provider_name', {
        header: 'Provider',
        meta: { filter: 'select', filterOptions: providerNames },
        cell: ({ row: { original } }) => (isEditing(original) ? (
          <ProviderSelect
            aria-label="Provider"
            label={undefined}
            size="xs"
            providers={providers.data ?? []}
            value={editing!.draft.provider}
            onChange={(value) => setDraft({ provider: value })}
            allowDeselect={false}
            miw={150}
          />
        ) : original.provider_name),
      }),
      column.accessor('category_name', {
        header: 'Category',
        meta: { filter: 'select', filterOptions: categoryNames },
        cell: ({ row: { original } }) => (isEditing(original) ? (
          <Select
            aria-label="Category"
            size="xs"
            data={(categories.data ?? []).map((c) => ({ value: String(c.id), label: c.name }))}
            value={editing!.draft.category}
            onChange={(value) => setDraft({ category: value })}
            allowDeselect={false}
            miw={140}
          />
        ) : (
          <Badge variant="light" tt="none" color={CATEGORY_BADGE[original.category_name] ?? 'gray'} style={{ overflow: 'visible' }}>
            {original.category_name}
          </Badge>
        )),
      }),
      column.accessor((service) => service.description ?? '', {
        id: 'description',
        header: 'Description',
        cell: ({ row: { original } }) => (isEditing(original) ? (
          <TextInput
            aria-label="Description"
            size="xs"
            value={editing!.draft.description}
            onChange={(event) => setDraft({ description: event.currentTarget.value })}
            miw={180}
          />
        ) : (
          <Text size="sm" c="dimmed" lineClamp={2} maw={280}>{original.description || '—'}</Text>
        )),
      }),
      column.accessor((service) => (service.active ? 'Active' : 'Inactive'), {
        id: 'status',
        header: 'Status',
        meta: { filter: 'select', filterOptions: ['Active', 'Inactive'] },
        cell: ({ row: { original } }) => (
          <Switch
            checked={original.active}
            onChange={(event) => updateService.mutate({
              id: original.id, changes: { active: event.currentTarget.checked },
            })}
            label={original.active ? 'Active' : 'Inactive'}
            aria-label={`${original.name} active`}
            size="sm"
          />
        ),
      }),
      column.display({
        id: 'actions',
        header: 'Actions',
        meta: { align: 'right' },
        cell: ({ row: { original } }) => (isEditing(original) ? (
          <Group gap={4} justify="flex-end" wrap="nowrap">
            <Tooltip label="Save">
              <ActionIcon
                color="teal"
                variant="light"
                aria-label={`Save ${original.name}`}
                onClick={() => saveEdit(original)}
                loading={updateService.isPending}
                disabled={!editing!.draft.name.trim()}
              >
                <IconCheck size={16} />
              </ActionIcon>
            </Tooltip>
            <Tooltip label="Cancel">
              <ActionIcon variant="default" aria-label="Cancel editing" onClick={() => setEditing(null)}>
                <IconX size={16} />
              </ActionIcon>
            </Tooltip>
          </Group>
        ) : (
          <Group gap={4} justify="flex-end" wrap="nowrap">
            <Tooltip label="Edit">
              <ActionIcon variant="subtle" aria-label={`Edit ${original.name}`} onClick={() => startEdit(original)}>
                <IconPencil size={16} />
              </ActionIcon>
            </Tooltip>
            <Tooltip label={original.active ? 'Delete' : 'Already deleted (inactive)'}>
              <ActionIcon
                variant="subtle"
                color="red"
                aria-label={`Delete ${original.name}`}
                onClick={() => askDelete(original)}
                disabled={!original.active}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Tooltip>
          </Group>
        )),
      }),
    ];
    // The cells read the editing draft; the columns are rebuilt whenever it changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [editing, providers.data, categories.data, categoryNames, providerNames, updateService.isPending]);

  const newButton = (
    <Button
      leftSection={<IconPlus size={16} />}
      onClick={createModal.open}
      disabled={!categories.data || !providers.data}
    >
      New service
    </Button>
  );

  let content;
  if (services.isPending) content = <PageLoader label="Loading services…" />;
  else if (services.isError) content = <ErrorState error={services.error} onRetry={() => services.refetch()} />;
  else if (services.data.length === 0) {
    content = (
      <EmptyState title="No services yet" action={newButton}>
        Add your cloud accounts, licenses and prepaid services to start tracking their costs.
      </EmptyState>
    );
  } else {
    content = (
      <DataTable
        label="Services"
        data={services.data}
        columns={columns}
        getRowId={(service) => String(service.id)}
        initialSorting={[{ id: 'name', desc: false }]}
        minWidth={860}
      />
    );
  }

  return (
    <>
      <PageHeader
        title="Services"
        description="Every service you pay for. Deleting a service keeps its history."
        actions={newButton}
      />
      <Card>{content}</Card>
      <ServiceFormModal
        opened={createOpened}
        onClose={createModal.close}
        providers={providers.data ?? []}
        categories={categories.data ?? []}
      />
    </>
  );
}
