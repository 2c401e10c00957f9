import {
  Button, Group, Modal, NumberInput, Select, SimpleGrid, Stack, Text, TextInput,
} from '@mantine/core';
import { DatePickerInput, MonthPickerInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import dayjs from 'dayjs';
import type { LicensePlan } from '@/api/types';
import { CurrencySelect } from '@/components/CurrencySelect';
import { MoneyInput } from '@/components/MoneyInput';
import type { Picker } from '@/components/SearchSelect';
import { DEFAULT_CURRENCY } from '@/lib/currencies';
import { formatMonth, toApiDate, toApiMonth } from '@/lib/format';
import { moneyError, requiredError } from '@/lib/validation';
import { useCreateLicense } from './api/create-license';
import { useLatestPlan } from './api/get-licenses';

/**
 * A new plan starts this month, or the month after the service's latest plan
 * if that one starts this month or later (one plan per service and month).
 */
export function defaultStartMonth(plans: Pick<LicensePlan, 'start_month'>[] = []): string {
  const thisMonth = dayjs().startOf('month');
  const latest = plans.map((p) => p.start_month).sort().at(-1);
  if (latest && !dayjs(latest).isBefore(thisMonth)) {
    return dayjs(latest).add(1, 'month').format('YYYY-MM-DD');
  }
  return thisMonth.format('YYYY-MM-DD');
}

/** The service a plan is for, when it is fixed (a change to a plan, or a service's own page). */
export interface PlanService {
  id: number;
  name: string;
}

interface PlanValues {
  service: string | null;
  /** null: the suggested month (after the service's latest plan). */
  start_month: string | null;
  monthly_unit_cost: string;
  qty: number | string;
  end_month: string | null;
  annual_commitment_end: string | null;
  currency: string;
  billing_cycle: LicensePlan['billing_cycle'];
}

interface PlanFormProps {
  onDone: () => void;
  basePlan?: LicensePlan | null;
  service?: PlanService | null;
  ServicePicker?: Picker;
}

/** Mounted only while the modal is open: every open starts from `basePlan` (or empty). */
function PlanForm({
  onDone, basePlan, service, ServicePicker,
}: PlanFormProps) {
  const mutation = useCreateLicense();
  const fixed: PlanService | null = basePlan
    ? { id: basePlan.service_id, name: `${basePlan.service_name} (${basePlan.provider_name})` }
    : service ?? null;
  const form = useForm<PlanValues>({
    initialValues: {
      service: fixed ? String(fixed.id) : null,
      start_month: null,
      monthly_unit_cost: basePlan?.monthly_unit_cost ?? '',
      qty: basePlan?.qty ?? 1,
      end_month: null,
      annual_commitment_end: basePlan?.annual_commitment_end ?? null,
      currency: basePlan?.currency ?? DEFAULT_CURRENCY,
      billing_cycle: basePlan?.billing_cycle ?? 'monthly',
    },
    validate: {
      service: (value) => requiredError(value, 'Choose a license service'),
      monthly_unit_cost: (value) => moneyError(value),
      qty: (value) => (Number.isInteger(Number(value)) && Number(value) >= 0 && value !== '' ? null : 'A whole number, 0 or more'),
      end_month: (value, values) => (value && values.start_month && dayjs(value).isBefore(values.start_month)
        ? 'Must not be before the start month' : null),
    },
  });

  // Suggest the first free month once the chosen service's latest plan is known.
  const latest = useLatestPlan(Number(form.values.service) || null);
  const known = latest.data ?? basePlan;
  const startMonth = form.values.start_month ?? defaultStartMonth(known ? [known] : []);

  const submit = form.onSubmit((values) => {
    mutation.mutate({
      service_id: Number(values.service),
      start_month: toApiMonth(startMonth),
      monthly_unit_cost: values.monthly_unit_cost.trim(),
      qty: Number(values.qty),
      end_month: values.end_month ? toApiMonth(values.end_month) : null,
      annual_commitment_end: values.annual_commitment_end ? toApiDate(values.annual_commitment_end) : null,
      currency: values.currency,
      billing_cycle: values.billing_cycle,
    }, { onSuccess: onDone });
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        {basePlan && (
          <Text size="sm" c="dimmed">
            {`Current plan since ${formatMonth(basePlan.start_month)}: ${basePlan.qty} seat(s). `}
            The new plan replaces it from its start month.
          </Text>
        )}
        {fixed || !ServicePicker ? (
          <TextInput label="License service" required disabled value={fixed?.name ?? ''} readOnly />
        ) : (
          <ServicePicker
            label="License service"
            required
            nothingFoundMessage="No User License service: create one on the Services page"
            {...form.getInputProps('service')}
          />
        )}
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
          <MonthPickerInput
            label="Start month"
            required
            valueFormat="MMM YYYY"
            value={startMonth}
            onChange={(value) => form.setFieldValue('start_month', value)}
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
          <Select
            label="Billing"
            allowDeselect={false}
            data={[
              { value: 'monthly', label: 'Monthly' },
              { value: 'annual', label: 'Yearly, paid in advance' },
            ]}
            description="The cash view counts a yearly plan's 12 months when it is paid"
            {...form.getInputProps('billing_cycle')}
          />
          <DatePickerInput
            label="Annual commitment ends"
            description="Optional"
            valueFormat="YYYY-MM-DD"
            clearable
            {...form.getInputProps('annual_commitment_end')}
          />
        </SimpleGrid>
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onDone}>Cancel</Button>
          <Button type="submit" loading={mutation.isPending}>{basePlan ? 'Record change' : 'Add plan'}</Button>
        </Group>
      </Stack>
    </form>
  );
}

interface PlanModalProps extends Omit<PlanFormProps, 'onDone'> {
  opened: boolean;
  onClose: () => void;
}

/**
 * Add a plan, or record a price/quantity change to `basePlan` (a new plan from a
 * later month). `ServicePicker` chooses the service when it is not fixed.
 */
export function PlanModal({ opened, onClose, ...props }: PlanModalProps) {
  const title = props.basePlan
    ? `Record a price or quantity change — ${props.basePlan.service_name}` : 'Add a license plan';
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered size="lg">
      <PlanForm onDone={onClose} {...props} />
    </Modal>
  );
}
