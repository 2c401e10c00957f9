import { useMemo, useState } from 'react';
import {
  Badge, Button, Card, FileButton, Group, Modal, Stack, Text, TextInput, Title,
} from '@mantine/core';
import { MonthPickerInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { IconPencil, IconPlus, IconUpload } from '@tabler/icons-react';
import { createColumnHelper } from '@tanstack/react-table';
import type { FxRate } from '@/api/types';
import { CurrencySelect } from '@/components/CurrencySelect';
import { DataTable, useServerTable } from '@/components/DataTable';
import { confirmDestructive } from '@/components/confirm';
import { formatDate, formatMonth, toApiMonth } from '@/lib/format';
import { useDeleteFxRate } from './api/delete-fx-rate';
import { useFxInfo } from './api/get-fx-info';
import { useFxRates } from './api/get-fx-rates';
import { useImportFxRates } from './api/import-fx-rates';
import { useSetFxRate } from './api/set-fx-rate';

const column = createColumnHelper<FxRate>();
const RATE_PATTERN = /^\d{1,8}(\.\d{1,10})?$/;

const SOURCE_LABEL: Record<FxRate['source'], { label: string; color: string }> = {
  manual: { label: 'by hand', color: 'orange' },
  import: { label: 'imported', color: 'blue' },
  bundled: { label: 'ECB bundled', color: 'gray' },
};

interface RateFormValues {
  currency: string;
  month: string | null;
  rate: string;
}

/** Enter or change one month's rate; mounted only while its modal is open. */
function RateForm({
  initial, reporting, onDone,
}: { initial: RateFormValues; reporting: string; onDone: () => void }) {
  const mutation = useSetFxRate();
  const form = useForm<RateFormValues>({
    initialValues: initial,
    validate: {
      currency: (value) => (value === reporting ? `${reporting} is the reporting currency (rate 1)` : null),
      month: (value) => (value ? null : 'Choose a month'),
      rate: (value) => (RATE_PATTERN.test(value.trim()) && Number(value) > 0
        ? null : 'A number above 0 with at most 10 decimals, e.g. 0.9234'),
    },
  });
  const submit = form.onSubmit((values) => {
    mutation.mutate(
      { currency: values.currency, month: toApiMonth(values.month!).slice(0, 7), rate: values.rate.trim() },
      { onSuccess: onDone },
    );
  });
  return (
    <form onSubmit={submit} noValidate aria-label="Exchange rate">
      <Stack gap="sm">
        <CurrencySelect {...form.getInputProps('currency')} />
        <MonthPickerInput label="Month" required valueFormat="MMM YYYY" {...form.getInputProps('month')} />
        <TextInput
          label="Rate"
          required
          data-autofocus
          inputMode="decimal"
          description={`Units of ${form.values.currency} per 1 ${reporting}, e.g. 0.9234`}
          {...form.getInputProps('rate')}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={mutation.isPending}>Save rate</Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Settings: the reporting currency and the exchange rates per month (search, edit, import). */
export function FxRatesSection() {
  const table = useServerTable();
  const info = useFxInfo();
  const rates = useFxRates({ limit: table.limit, offset: table.offset, q: table.search });
  const { mutate: remove } = useDeleteFxRate();
  const importRates = useImportFxRates();
  const [editing, setEditing] = useState<RateFormValues | null>(null);
  const reporting = info.data?.reporting_currency ?? '';

  const columns = useMemo(() => [
    column.accessor('currency', { header: 'Currency', enableSorting: false }),
    column.accessor('month', {
      header: 'Month', enableSorting: false, cell: ({ getValue }) => formatMonth(getValue()),
    }),
    column.accessor('rate', {
      header: `Rate (per 1 ${reporting})`,
      enableSorting: false,
      meta: { align: 'right' },
      cell: ({ getValue }) => <Text span size="sm" ff="monospace">{getValue()}</Text>,
    }),
    column.accessor('source', {
      header: 'Source',
      enableSorting: false,
      cell: ({ getValue }) => {
        const { label, color } = SOURCE_LABEL[getValue()];
        return <Badge variant="light" color={color}>{label}</Badge>;
      },
    }),
    column.accessor('bundled_rate', {
      header: 'ECB bundled',
      enableSorting: false,
      meta: { align: 'right' },
      cell: ({ getValue }) => <Text span size="sm" ff="monospace" c="dimmed">{getValue() ?? '–'}</Text>,
    }),
    column.display({
      id: 'actions',
      header: 'Actions',
      meta: { align: 'right' },
      cell: ({ row: { original } }) => {
        const name = `${original.currency} ${formatMonth(original.month)}`;
        return (
          <Group gap={4} justify="flex-end" wrap="nowrap">
            <Button
              size="xs"
              variant="subtle"
              leftSection={<IconPencil size={14} />}
              aria-label={`Edit the rate of ${name}`}
              onClick={() => setEditing({ currency: original.currency, month: original.month, rate: original.rate })}
            >
              Edit
            </Button>
            {original.source !== 'bundled' && (
              <Button
                size="xs"
                variant="subtle"
                color="red"
                aria-label={`Remove the rate of ${name}`}
                onClick={() => confirmDestructive({
                  title: `Remove the rate of ${name}?`,
                  message: 'The month falls back to the bundled ECB rate; without one, its amounts stay unconverted.',
                  confirmLabel: 'Remove rate',
                  onConfirm: () => remove({ currency: original.currency, month: original.month.slice(0, 7) }),
                })}
              >
                Remove
              </Button>
            )}
          </Group>
        );
      },
    }),
  ], [remove, reporting]);

  return (
    <Card component="section" aria-labelledby="fx-title" mt="lg">
      <Group justify="space-between" mb="sm" gap="sm" align="flex-start">
        <div>
          <Title order={2} fz="lg" id="fx-title">Currencies and exchange rates</Title>
          <Text size="sm" c="dimmed">
            {reporting ? `Every report is in ${reporting} (COSTWATCH_REPORTING_CURRENCY). ` : ''}
            Each month is converted with that month&apos;s rate; a month without one stays unconverted.
            Rates entered by hand or imported win over the bundled ECB rates
            {info.data?.bundled_until ? ` (monthly averages, data up to ${formatDate(info.data.bundled_until)})` : ''}
            .
          </Text>
        </div>
        <Group gap="xs">
          <FileButton
            accept=".csv,text/csv"
            onChange={(file) => {
              if (file) importRates.mutate(file);
            }}
          >
            {(props) => (
              <Button variant="light" leftSection={<IconUpload size={16} />} loading={importRates.isPending} {...props}>
                Import ECB CSV
              </Button>
            )}
          </FileButton>
          <Button
            leftSection={<IconPlus size={16} />}
            onClick={() => setEditing({ currency: 'EUR', month: null, rate: '' })}
            disabled={!reporting}
          >
            Enter a rate
          </Button>
        </Group>
      </Group>
      <DataTable
        label="Exchange rates"
        table={table}
        query={rates}
        columns={columns}
        getRowId={(row) => `${row.currency}-${row.month}`}
        searchPlaceholder="Currency or month (e.g. EUR, 2026-10)"
        loadingLabel="Loading rates…"
        emptyMessage="No rate matches."
        minWidth={720}
      />
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title="Exchange rate" centered>
        {editing && <RateForm initial={editing} reporting={reporting} onDone={() => setEditing(null)} />}
      </Modal>
    </Card>
  );
}
