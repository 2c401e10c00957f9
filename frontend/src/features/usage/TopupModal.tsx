import { useEffect } from 'react';
import {
  Button, Group, Modal, Stack,
} from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import dayjs from 'dayjs';
import { CurrencySelect } from '@/components/CurrencySelect';
import { MoneyInput } from '@/components/MoneyInput';
import { DEFAULT_CURRENCY } from '@/lib/currencies';
import { toApiDate } from '@/lib/format';
import { moneyError, requiredError } from '@/lib/validation';
import { useCreateTopup } from './api/create-topup';

interface TopupModalProps {
  opened: boolean;
  onClose: () => void;
  serviceId: number;
  serviceName: string;
  /** The currency of the service's earlier top-ups (a second currency is refused). */
  currency?: string | null;
}

export function TopupModal({
  opened, onClose, serviceId, serviceName, currency,
}: TopupModalProps) {
  const mutation = useCreateTopup();
  const form = useForm({
    initialValues: { topup_date: dayjs().format('YYYY-MM-DD'), amount: '', currency: currency ?? DEFAULT_CURRENCY },
    validate: {
      topup_date: (value) => requiredError(value, 'Choose a date'),
      amount: (value) => moneyError(value, { positive: true }),
    },
  });

  useEffect(() => {
    if (opened) {
      form.setValues({ topup_date: dayjs().format('YYYY-MM-DD'), amount: '', currency: currency ?? DEFAULT_CURRENCY });
      form.clearErrors();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened, currency]);

  const submit = form.onSubmit((values) => {
    mutation.mutate({
      service_id: serviceId,
      topup_date: toApiDate(values.topup_date),
      amount_purchased: values.amount.trim(),
      currency: values.currency,
    }, { onSuccess: onClose });
  });

  return (
    <Modal opened={opened} onClose={onClose} title={`Record top-up — ${serviceName}`} centered>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <DatePickerInput label="Date" required valueFormat="YYYY-MM-DD" {...form.getInputProps('topup_date')} />
          <MoneyInput label="Amount purchased" required data-autofocus currency={form.values.currency} {...form.getInputProps('amount')} />
          <CurrencySelect
            disabled={Boolean(currency)}
            description={currency ? 'Top-ups of a service share one currency' : undefined}
            {...form.getInputProps('currency')}
          />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button type="submit" loading={mutation.isPending}>Record top-up</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
