import {
  Button, Group, Modal, Select, Stack, Switch, Textarea, TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import type { Category, Provider } from '@/api/types';
import { requiredError } from '@/lib/validation';
import { useCreateProvider } from './api/create-provider';
import { useCreateService } from './api/create-service';
import { NEW_PROVIDER_PREFIX, ProviderSelect } from './ProviderSelect';

interface ServiceFormModalProps {
  opened: boolean;
  onClose: () => void;
  providers: Provider[];
  categories: Category[];
}

export function ServiceFormModal({
  opened, onClose, providers, categories,
}: ServiceFormModalProps) {
  const createService = useCreateService();
  const createProvider = useCreateProvider();
  const form = useForm({
    initialValues: {
      name: '', provider: null as string | null, category: null as string | null, description: '', active: true,
    },
    validate: {
      name: (value) => (value.trim() ? null : 'Enter a name'),
      provider: (value) => requiredError(value, 'Choose or add a provider'),
      category: (value) => requiredError(value, 'Choose a category'),
    },
  });

  const close = () => {
    form.reset();
    onClose();
  };

  const submit = form.onSubmit(async (values) => {
    try {
      let providerId = Number(values.provider);
      if (values.provider?.startsWith(NEW_PROVIDER_PREFIX)) {
        const provider = await createProvider.mutateAsync({ name: values.provider.slice(NEW_PROVIDER_PREFIX.length) });
        providerId = provider.id;
        form.setFieldValue('provider', String(provider.id));
      }
      await createService.mutateAsync({
        name: values.name.trim(),
        provider_id: providerId,
        category_id: Number(values.category),
        description: values.description.trim() || null,
        active: values.active,
      });
      close();
    } catch {
      // The mutation hooks have already shown the error toast; keep the form open.
    }
  });

  return (
    <Modal opened={opened} onClose={close} title="New service" centered>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <TextInput label="Name" required data-autofocus {...form.getInputProps('name')} />
          <ProviderSelect providers={providers} creatable required {...form.getInputProps('provider')} />
          <Select
            label="Category"
            required
            data={categories.map((category) => ({ value: String(category.id), label: category.name }))}
            comboboxProps={{ withinPortal: true }}
            {...form.getInputProps('category')}
          />
          <Textarea label="Description" autosize minRows={2} {...form.getInputProps('description')} />
          <Switch label="Active" {...form.getInputProps('active', { type: 'checkbox' })} />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={close}>Cancel</Button>
            <Button type="submit" loading={createService.isPending || createProvider.isPending}>Create service</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
