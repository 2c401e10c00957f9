import {
  Button, Group, Modal, Select, Stack, Switch, Textarea, TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import type { Service, ServiceUpdate } from '@/api/types';
import { requiredError } from '@/lib/validation';
import { useCreateProvider } from './api/create-provider';
import { useCreateService } from './api/create-service';
import { useCategories } from './api/get-categories';
import { useUpdateService } from './api/update-service';
import { NEW_PROVIDER_PREFIX, ProviderSelect } from './ProviderSelect';

interface ServiceFormValues {
  name: string;
  provider: string | null;
  category: string | null;
  description: string;
  active: boolean;
}

function initialValues(service?: Service | null): ServiceFormValues {
  return {
    name: service?.name ?? '',
    provider: service ? String(service.provider_id) : null,
    category: service ? String(service.category_id) : null,
    description: service?.description ?? '',
    active: service?.active ?? true,
  };
}

/** Only the fields that differ from the service (a PUT changes nothing else). */
function serviceChanges(service: Service, values: ServiceFormValues, providerId: number): ServiceUpdate {
  const changes: ServiceUpdate = {};
  if (values.name.trim() !== service.name) changes.name = values.name.trim();
  if (providerId !== service.provider_id) changes.provider_id = providerId;
  if (Number(values.category) !== service.category_id) changes.category_id = Number(values.category);
  const description = values.description.trim() || null;
  if (description !== (service.description || null)) changes.description = description;
  if (values.active !== service.active) changes.active = values.active;
  return changes;
}

interface ServiceFormProps {
  service?: Service | null;
  onDone: () => void;
}

/** The form itself: mounted only while its modal is open, so it starts from `service` every time. */
function ServiceForm({ service, onDone }: ServiceFormProps) {
  const categories = useCategories();
  const createService = useCreateService();
  const updateService = useUpdateService();
  const createProvider = useCreateProvider();
  const form = useForm<ServiceFormValues>({
    initialValues: initialValues(service),
    validate: {
      name: (value) => (value.trim() ? null : 'Enter a name'),
      provider: (value) => requiredError(value, 'Choose or add a provider'),
      category: (value) => requiredError(value, 'Choose a category'),
    },
  });

  const submit = form.onSubmit(async (values) => {
    try {
      let providerId = Number(values.provider);
      if (values.provider?.startsWith(NEW_PROVIDER_PREFIX)) {
        const provider = await createProvider.mutateAsync({ name: values.provider.slice(NEW_PROVIDER_PREFIX.length) });
        providerId = provider.id;
        form.setFieldValue('provider', String(provider.id));
      }
      if (service) {
        const changes = serviceChanges(service, values, providerId);
        if (Object.keys(changes).length > 0) await updateService.mutateAsync({ id: service.id, changes });
      } else {
        await createService.mutateAsync({
          name: values.name.trim(),
          provider_id: providerId,
          category_id: Number(values.category),
          description: values.description.trim() || null,
          active: values.active,
        });
      }
      onDone();
    } catch {
      // The mutation hooks have already shown the error toast; keep the form open.
    }
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <TextInput label="Name" required data-autofocus {...form.getInputProps('name')} />
        <ProviderSelect creatable required selectedLabel={service?.provider_name} {...form.getInputProps('provider')} />
        <Select
          label="Category"
          required
          data={(categories.data ?? []).map((category) => ({ value: String(category.id), label: category.name }))}
          comboboxProps={{ withinPortal: true }}
          {...form.getInputProps('category')}
        />
        <Textarea label="Description" autosize minRows={2} {...form.getInputProps('description')} />
        <Switch label="Active" {...form.getInputProps('active', { type: 'checkbox' })} />
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onDone}>Cancel</Button>
          <Button type="submit" loading={createService.isPending || updateService.isPending || createProvider.isPending}>
            {service ? 'Save changes' : 'Create service'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

interface ServiceFormModalProps {
  opened: boolean;
  onClose: () => void;
  /** Edit this service; without it, create a new one. */
  service?: Service | null;
}

/** Create a service, or edit one (name, provider, category, description, active). */
export function ServiceFormModal({ opened, onClose, service }: ServiceFormModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title={service ? `Edit “${service.name}”` : 'New service'} centered>
      {/* Modal content is unmounted when closed: the form starts afresh on every open. */}
      <ServiceForm service={service} onDone={onClose} />
    </Modal>
  );
}
