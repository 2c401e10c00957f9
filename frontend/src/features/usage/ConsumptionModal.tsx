import { useEffect } from 'react';
import {
  Button, Group, Modal, Stack,
} from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import dayjs from 'dayjs';
import { MoneyInput } from '@/components/MoneyInput';
import { toApiDate } from '@/lib/format';
import { moneyError, requiredError } from '@/lib/validation';
import { useCreateConsumption } from './api/create-consumption';

interface ConsumptionModalProps {
  opened: boolean;
  onClose: () => void;
  serviceId: number;
  serviceName: string;
  currency?: string | null;
}

export function ConsumptionModal({
  opened, onClose, serviceId, serviceName, currency,
}: ConsumptionModalProps) {
  const mutation = useCreateConsumption();
  const form = useForm({
    initialValues: { consumption_date: dayjs().format('YYYY-MM-DD'), amount: '' },
    validate: {
      consumption_date: (value) => requiredError(value, 'Choose a date'),
      amount: (value) => moneyError(value, { positive: true }),
    },
  });

  useEffect(() => {
    if (opened) {
      form.setValues({ consumption_date: dayjs().format('YYYY-MM-DD'), amount: '' });
      form.clearErrors();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened]);

  const submit = form.onSubmit((values) => {
    mutation.mutate({
      service_id: serviceId,
      consumption_date: toApiDate(values.consumption_date),
      amount_consumed: values.amount.trim(),
    }, { onSuccess: onClose });
  });

  return (
    <Modal opened={opened} onClose={onClose} title={`Add consumption — ${serviceName}`} centered>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <DatePickerInput label="Date" required valueFormat="YYYY-MM-DD" {...form.getInputProps('consumption_date')} />
          <MoneyInput
            label="Amount consumed"
            required
            data-autofocus
            currency={currency ?? undefined}
            description="Subtracted from the balance"
            {...form.getInputProps('amount')}
          />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button type="submit" loading={mutation.isPending}>Add consumption</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
