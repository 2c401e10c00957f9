import {
  Button, Group, Modal, Stack,
} from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import dayjs from 'dayjs';
import type { Balance } from '@/api/types';
import { CurrencySelect } from '@/components/CurrencySelect';
import { MoneyInput } from '@/components/MoneyInput';
import { DEFAULT_CURRENCY } from '@/lib/currencies';
import { toApiDate } from '@/lib/format';
import { moneyError, requiredError } from '@/lib/validation';
import { useCreateConsumption } from './api/create-consumption';
import { useCreateTopup } from './api/create-topup';

export type UsageEventKind = 'topup' | 'consumption';

/** The service an event is recorded for: its balance row, or just its id and name. */
export type UsageTarget = Pick<Balance, 'service_id' | 'service_name'> & Partial<Pick<Balance, 'currency' | 'last_topup_date'>>;

const TEXT = {
  topup: { title: 'Record top-up', amount: 'Amount purchased', submit: 'Record top-up' },
  consumption: { title: 'Add consumption', amount: 'Amount consumed', submit: 'Add consumption' },
} as const;

interface UsageEventFormProps {
  kind: UsageEventKind;
  target: UsageTarget;
  onDone: () => void;
}

/** Mounted only while the modal is open: every open starts with today and an empty amount. */
function UsageEventForm({ kind, target, onDone }: UsageEventFormProps) {
  const topup = useCreateTopup();
  const consumption = useCreateConsumption();
  // Top-ups of a service share one currency: after the first, it is fixed.
  const fixedCurrency = target.last_topup_date && target.currency ? target.currency : null;
  const form = useForm({
    initialValues: { date: dayjs().format('YYYY-MM-DD'), amount: '', currency: fixedCurrency ?? DEFAULT_CURRENCY },
    validate: {
      date: (value) => requiredError(value, 'Choose a date'),
      amount: (value) => moneyError(value, { positive: true }),
    },
  });

  const submit = form.onSubmit((values) => {
    const date = toApiDate(values.date);
    const amount = values.amount.trim();
    if (kind === 'topup') {
      topup.mutate({
        service_id: target.service_id, topup_date: date, amount_purchased: amount, currency: values.currency,
      }, { onSuccess: onDone });
    } else {
      consumption.mutate(
        { service_id: target.service_id, consumption_date: date, amount_consumed: amount },
        { onSuccess: onDone },
      );
    }
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <DatePickerInput label="Date" required valueFormat="YYYY-MM-DD" {...form.getInputProps('date')} />
        <MoneyInput
          label={TEXT[kind].amount}
          required
          data-autofocus
          currency={kind === 'topup' ? form.values.currency : target.currency ?? DEFAULT_CURRENCY}
          description={kind === 'consumption' ? 'Subtracted from the balance' : undefined}
          {...form.getInputProps('amount')}
        />
        {kind === 'topup' && (
          <CurrencySelect
            disabled={Boolean(fixedCurrency)}
            description={fixedCurrency ? 'Top-ups of a service share one currency' : undefined}
            {...form.getInputProps('currency')}
          />
        )}
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onDone}>Cancel</Button>
          <Button type="submit" loading={topup.isPending || consumption.isPending}>{TEXT[kind].submit}</Button>
        </Group>
      </Stack>
    </form>
  );
}

interface UsageEventModalProps {
  opened: boolean;
  onClose: () => void;
  kind: UsageEventKind;
  target: UsageTarget;
}

/** Record a top-up (money in) or a consumption (money out) for one usage service. */
export function UsageEventModal({
  opened, onClose, kind, target,
}: UsageEventModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title={`${TEXT[kind].title} — ${target.service_name}`} centered>
      <UsageEventForm kind={kind} target={target} onDone={onClose} />
    </Modal>
  );
}
