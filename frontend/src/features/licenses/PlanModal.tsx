import {
  Button, Group, Modal, NumberInput, Select, SimpleGrid, Stack, Text,
} from '@mantine/core';
import { DatePickerInput, MonthPickerInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import dayjs from 'dayjs';
import { useEffect } from 'react';
import type { LicensePlan, Service } from '@/api/types';
import { CurrencySelect } from '@/components/CurrencySelect';
import { MoneyInput } from '@/components/MoneyInput';
import { DEFAULT_CURRENCY } from '@/lib/currencies';
import { formatMonth, toApiDate, toApiMonth } from '@/lib/format';
import { moneyError, requiredError } from '@/lib/validation';
import { useCreateLicense } from './api/create-license';
import { useLicenses } from './api/get-licenses';

interface PlanModalProps {
  opened: boolean;
  onClose: () => void;
  /** User License services to choose from. */
  services: Service[];
  /** Recording a change to this plan: the service is fixed and the values start from it. */
  basePlan?: LicensePlan | null;
  /** Preselect a service (new plan for a given service). */
  serviceId?: number | null;
}

/**
 * A new plan starts this month, or the month after the service's latest plan
 * if that one starts this month or later (one plan per service and month).
 */
export function defaultStartMonth(plans: LicensePlan[] = []): string {
  const thisMonth = dayjs().startOf('month');
  const latest = plans.map((p) => p.start_month).sort().at(-1);
  if (latest && !dayjs(latest).isBefore(thisMonth)) {
    return dayjs(latest).add(1, 'month').format('YYYY-MM-DD');
  }
  return thisMonth.format('YYYY-MM-DD');
}

interface PlanValues {
  service: string | null;
  start_month: string | null;
  monthly_unit_cost: string;
  qty: number | string;
  end_month: string | null;
  annual_commitment_end: string | null;
  currency: string;
}

function initialValues(basePlan?: LicensePlan | null, serviceId?: number | null): PlanValues {
  const service = basePlan?.service_id ?? serviceId;
  return {
    service: service ? String(service) : null,
    start_month: defaultStartMonth(basePlan ? [basePlan] : []),
    monthly_unit_cost: basePlan?.monthly_unit_cost ?? '',
    qty: basePlan?.qty ?? 1,
    end_month: null,
    annual_commitment_end: basePlan?.annual_commitment_end ?? null,
    currency: basePlan?.currency ?? DEFAULT_CURRENCY,
  };
}

export function PlanModal({
  opened, onClose, services, basePlan, serviceId,
}: PlanModalProps) {
  const mutation = useCreateLicense();
  const form = useForm<PlanValues>({
    initialValues: initialValues(basePlan, serviceId),
    validate: {
      service: (value) => requiredError(value, 'Choose a license service'),
      start_month: (value) => requiredError(value, 'Choose the first month of the plan'),
      monthly_unit_cost: (value) => moneyError(value),
      qty: (value) => (Number.isInteger(Number(value)) && Number(value) >= 0 && value !== '' ? null : 'A whole number, 0 or more'),
      end_month: (value, values) => (value && values.start_month && dayjs(value).isBefore(values.start_month)
        ? 'Must not be before the start month' : null),
    },
  });

  // Start from the chosen plan each time the modal opens.
  useEffect(() => {
    if (opened) {
      form.setValues(initialValues(basePlan, serviceId));
      form.resetDirty();
      form.clearErrors();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened, basePlan, serviceId]);

  // Once the service's plans are known, default to a free start month.
  const chosen = Number(form.values.service) || 0;
  const servicePlans = useLicenses({ service_id: chosen }, opened && chosen > 0);
  useEffect(() => {
    if (opened && servicePlans.data && !form.isDirty('start_month')) {
      const plans = servicePlans.data.filter((p) => p.service_id === chosen);
      form.setFieldValue('start_month', defaultStartMonth(plans));
      form.resetDirty({ ...form.getValues(), start_month: defaultStartMonth(plans) });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened, servicePlans.data, chosen]);

  const submit = form.onSubmit((values) => {
    mutation.mutate({
      service_id: Number(values.service),
      start_month: toApiMonth(values.start_month!),
      monthly_unit_cost: values.monthly_unit_cost.trim(),
      qty: Number(values.qty),
      end_month: values.end_month ? toApiMonth(values.end_month) : null,
      annual_commitment_end: values.annual_commitment_end ? toApiDate(values.annual_commitment_end) : null,
      currency: values.currency,
    }, { onSuccess: onClose });
  });

  const title = basePlan ? `Record a price or quantity change — ${basePlan.service_name}` : 'Add a license plan';

  return (
    <Modal opened={opened} onClose={onClose} title={title} centered size="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {basePlan && (
            <Text size="sm" c="dimmed">
              {`Current plan since ${formatMonth(basePlan.start_month)}: ${basePlan.qty} seat(s). `}
              The new plan replaces it from its start month.
            </Text>
          )}
          <Select
            label="License service"
            required
            searchable
            disabled={Boolean(basePlan)}
            data={services.map((service) => ({ value: String(service.id), label: `${service.name} (${service.provider_name})` }))}
            nothingFoundMessage="No User License service: create one on the Services page"
            comboboxProps={{ withinPortal: true }}
            {...form.getInputProps('service')}
          />
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
            <MonthPickerInput
              label="Start month"
              required
              valueFormat="MMM YYYY"
              {...form.getInputProps('start_month')}
            />
            <MonthPickerInput
              label="End month"
              description="Leave empty if open-ended"
              valueFormat="MMM YYYY"
              clearable
              {...form.getInputProps('end_month')}
            />
            <MoneyInput
              label="Monthly unit cost"
              required
              currency={form.values.currency}
              {...form.getInputProps('monthly_unit_cost')}
            />
            <NumberInput label="Quantity (seats)" required min={0} allowDecimal={false} allowNegative={false} {...form.getInputProps('qty')} />
            <CurrencySelect {...form.getInputProps('currency')} />
            <DatePickerInput
              label="Annual commitment ends"
              description="Optional"
              valueFormat="YYYY-MM-DD"
              clearable
              {...form.getInputProps('annual_commitment_end')}
            />
          </SimpleGrid>
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button type="submit" loading={mutation.isPending}>{basePlan ? 'Record change' : 'Add plan'}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
