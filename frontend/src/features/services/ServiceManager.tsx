import { useMemo, useState } from 'react';
import {
  ActionIcon, Anchor, Badge, Button, Card, Group, Switch, Text, Tooltip,
} from '@mantine/core';
import { IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { createColumnHelper } from '@tanstack/react-table';
import { Link } from 'react-router-dom';
import type { Service } from '@/api/types';
import { downloadCsv } from '@/api/csv';
import { DataTable, useServerTable } from '@/components/DataTable';
import { EmptyState } from '@/components/PageStates';
import { PageHeader } from '@/components/PageHeader';
import { confirmDestructive } from '@/components/confirm';
import { CATEGORY_BADGE } from '@/theme';
import { useCategories } from './api/get-categories';
import { useDeleteService } from './api/delete-service';
import { type ServiceSort, useServices } from './api/get-services';
import { useUpdateService } from './api/update-service';
import { ProviderSelect } from './ProviderSelect';
import { ServiceFormModal } from './ServiceFormModal';

const column = createColumnHelper<Service>();

const STATUS_OPTIONS = [{ value: 'true', label: 'Active' }, { value: 'false', label: 'Inactive' }];

function askDelete(service: Service, remove: (input: { id: number; name: string }) => void) {
  confirmDestructive({
    title: `Delete “${service.name}”?`,
    message: 'The service becomes inactive and leaves the active lists. Its past costs stay in every report.',
    confirmLabel: 'Delete service',
    onConfirm: () => remove({ id: service.id, name: service.name }),
  });
}

function toId(value: string | undefined): number | undefined {
  return value ? Number(value) : undefined;
}

/** The services table: search by name, filter by provider, category and status, all on the server. */
export function ServiceManager() {
  const table = useServerTable<ServiceSort>({ initialSorting: [{ id: 'name', desc: false }] });
  const { filters } = table;
  const selection = {
    q: table.search,
    provider_id: toId(filters.provider_name),
    category_id: toId(filters.category_name),
    active: filters.active === undefined ? undefined : filters.active === 'true',
    sort: table.sort,
  };
  const services = useServices({ ...selection, limit: table.limit, offset: table.offset });
  const categories = useCategories();
  const { mutate: setActive } = useUpdateService();
  const { mutate: remove } = useDeleteService();
  // The modal keeps its last target while it closes, so that its title does not change.
  const [modal, setModal] = useState<{ opened: boolean; service: Service | null }>({ opened: false, service: null });
  // The provider filter shows the chosen provider's name when it opens again.
  const [providerLabel, setProviderLabel] = useState<string | null>(null);

  const categoryOptions = useMemo(
    () => (categories.data ?? []).map((category) => ({ value: String(category.id), label: category.name })),
    [categories.data],
  );

  const columns = useMemo(() => [
    column.accessor('name', {
      header: 'Name',
      cell: ({ row: { original } }) => (
        <Anchor component={Link} to={`/services/${original.id}`} fw={600} size="sm">{original.name}</Anchor>
      ),
    }),
    column.accessor('provider_name', {
      header: 'Provider',
      meta: {
        filter: 'custom',
        renderFilter: ({ label, value, onChange }) => (
          <ProviderSelect
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
    column.accessor('category_name', {
      header: 'Category',
      meta: { filter: 'select', filterOptions: categoryOptions },
      cell: ({ row: { original } }) => (
        <Badge variant="light" tt="none" color={CATEGORY_BADGE[original.category_code] ?? 'gray'} style={{ overflow: 'visible' }}>
          {original.category_name}
        </Badge>
      ),
    }),
    column.accessor((service) => service.description ?? '', {
      id: 'description',
      header: 'Description',
      enableSorting: false,
      cell: ({ row: { original } }) => (
        <Text size="sm" c="dimmed" lineClamp={2} maw={280}>{original.description || '—'}</Text>
      ),
    }),
    column.accessor('active', {
      header: 'Status',
      meta: { filter: 'select', filterOptions: STATUS_OPTIONS },
      cell: ({ row: { original } }) => (
        <Switch
          checked={original.active}
          onChange={(event) => setActive({ id: original.id, changes: { active: event.currentTarget.checked } })}
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
      cell: ({ row: { original } }) => (
        <Group gap={4} justify="flex-end" wrap="nowrap">
          <Tooltip label="Edit">
            <ActionIcon
              variant="subtle"
              aria-label={`Edit ${original.name}`}
              onClick={() => setModal({ opened: true, service: original })}
            >
              <IconPencil size={16} />
            </ActionIcon>
          </Tooltip>
          <Tooltip label={original.active ? 'Delete' : 'Already deleted (inactive)'}>
            <ActionIcon
              variant="subtle"
              color="red"
              aria-label={`Delete ${original.name}`}
              onClick={() => askDelete(original, remove)}
              disabled={!original.active}
            >
              <IconTrash size={16} />
            </ActionIcon>
          </Tooltip>
        </Group>
      ),
    }),
  ], [categoryOptions, providerLabel, setActive, remove]);

  const newButton = (
    <Button
      leftSection={<IconPlus size={16} />}
      onClick={() => setModal({ opened: true, service: null })}
      disabled={!categories.data}
    >
      New service
    </Button>
  );

  return (
    <>
      <PageHeader
        title="Services"
        description="Every service you pay for. Deleting a service keeps its history."
        actions={newButton}
      />
      <Card>
        <DataTable
          label="Services"
          table={table}
          query={services}
          onExport={() => downloadCsv('/service', selection)}
          columns={columns}
          getRowId={(service) => String(service.id)}
          searchPlaceholder="Search by name…"
          loadingLabel="Loading services…"
          minWidth={860}
          emptyState={(
            <EmptyState title="No services yet" action={newButton}>
              Add your cloud accounts, licenses and prepaid services to start tracking their costs.
            </EmptyState>
          )}
        />
      </Card>
      <ServiceFormModal
        opened={modal.opened}
        onClose={() => setModal((current) => ({ ...current, opened: false }))}
        service={modal.service}
      />
    </>
  );
}
