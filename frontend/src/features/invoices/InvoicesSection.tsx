import { useMemo } from 'react';
import {
  ActionIcon, Button, Card, Group, SimpleGrid, Stack, Title, Tooltip,
} from '@mantine/core';
import { MonthPickerInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { IconTrash } from '@tabler/icons-react';
import { createColumnHelper } from '@tanstack/react-table';
import dayjs from 'dayjs';
import type { Invoice } from '@/api/types';
import { CurrencySelect } from '@/components/CurrencySelect';
import { downloadCsv } from '@/api/csv';
import { DataTable, PAGE_SIZE, useServerTable } from '@/components/DataTable';
import { MoneyInput } from '@/components/MoneyInput';
import { MoneyText } from '@/components/MoneyText';
import { MonthText } from '@/components/MonthText';
import { confirmDestructive } from '@/components/confirm';
import { DEFAULT_CURRENCY } from '@/lib/currencies';
import { formatMoney, formatMonth, toApiMonth } from '@/lib/format';
import { moneyError, requiredError } from '@/lib/validation';
import { useCreateInvoice } from './api/create-invoice';
import { useDeleteInvoice } from './api/delete-invoice';
import { type InvoiceSort, useInvoices } from './api/get-invoices';

const column = createColumnHelper<Invoice>();

function InvoiceForm({ serviceId, lastCurrency }: { serviceId: number; lastCurrency?: string }) {
  const mutation = useCreateInvoice();
  const form = useForm({
    initialValues: {
      // Invoices usually arrive for the month just ended.
      invoice_month: dayjs().subtract(1, 'month').startOf('month').format('YYYY-MM-DD'),
      amount: '',
      currency: lastCurrency ?? DEFAULT_CURRENCY,
    },
    validate: {
      invoice_month: (value) => requiredError(value, 'Choose the invoice month'),
      amount: (value) => moneyError(value),
    },
  });
  const submit = form.onSubmit((values) => {
    mutation.mutate({
      service_id: serviceId,
      invoice_month: toApiMonth(values.invoice_month),
      amount: values.amount.trim(),
      currency: values.currency,
    }, { onSuccess: () => form.setFieldValue('amount', '') });
  });
  return (
    <form onSubmit={submit} noValidate aria-label="Add invoice">
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm" style={{ alignItems: 'end' }}>
        <MonthPickerInput label="Invoice month" required valueFormat="MMM YYYY" {...form.getInputProps('invoice_month')} />
        <MoneyInput label="Amount" required currency={form.values.currency} {...form.getInputProps('amount')} />
        <CurrencySelect {...form.getInputProps('currency')} />
        <Button type="submit" loading={mutation.isPending}>Add invoice</Button>
      </SimpleGrid>
    </form>
  );
}

/** An infrastructure service's invoices: add one, and a table paged and sorted by the server. */
export function InvoicesSection({ serviceId }: { serviceId: number }) {
  const table = useServerTable<InvoiceSort>({ initialSorting: [{ id: 'invoice_month', desc: true }] });
  const month = table.filters.invoice_month ? dayjs(table.filters.invoice_month) : null;
  const selection = {
    service_id: serviceId,
    year: month?.year(),
    month: month ? month.month() + 1 : undefined,
    sort: table.sort,
  };
  const invoices = useInvoices({ ...selection, limit: table.limit, offset: table.offset });
  // The newest invoice sets the form's currency. This is the table's first page in its
  // default order, so it shares the table's request (and cache) while that page shows.
  const newest = useInvoices({
    service_id: serviceId, sort: '-invoice_month', limit: PAGE_SIZE, offset: 0,
  });
  const lastCurrency = newest.data?.rows[0]?.currency;
  const { mutate: remove } = useDeleteInvoice();

  const columns = useMemo(() => [
    column.accessor('invoice_month', {
      header: 'Month',
      meta: {
        filter: 'custom',
        renderFilter: ({ label, value, onChange }) => (
          <MonthPickerInput
            label={label}
            size="xs"
            clearable
            placeholder="Any month"
            valueFormat="MMM YYYY"
            value={value}
            onChange={(next) => onChange(next ? toApiMonth(next) : null)}
            popoverProps={{ withinPortal: false }}
          />
        ),
      },
      cell: ({ getValue }) => <MonthText value={getValue()} />,
    }),
    column.accessor('amount', {
      header: 'Amount',
      meta: { align: 'right' },
      cell: ({ row: { original } }) => <MoneyText value={original.amount} currency={original.currency} />,
    }),
    column.accessor('currency', { header: 'Currency' }),
    column.display({
      id: 'actions',
      header: 'Actions',
      meta: { align: 'right' },
      cell: ({ row: { original } }) => (
        <Tooltip label="Delete invoice">
          <ActionIcon
            variant="subtle"
            color="red"
            aria-label={`Delete invoice ${formatMonth(original.invoice_month)}`}
            onClick={() => confirmDestructive({
              title: `Delete the ${formatMonth(original.invoice_month)} invoice?`,
              message: `${formatMoney(original.amount, original.currency)} will be removed from the reports. This cannot be undone.`,
              confirmLabel: 'Delete invoice',
              onConfirm: () => remove(original.id),
            })}
          >
            <IconTrash size={16} />
          </ActionIcon>
        </Tooltip>
      ),
    }),
  ], [remove]);

  return (
    <Stack gap="md">
      <Card component="section" aria-labelledby="add-invoice-title">
        <Title order={2} fz="lg" mb="sm" id="add-invoice-title">Add an invoice</Title>
        <InvoiceForm key={lastCurrency ?? 'none'} serviceId={serviceId} lastCurrency={lastCurrency} />
      </Card>
      <Card component="section" aria-labelledby="invoices-title">
        <Group justify="space-between" mb="sm">
          <Title order={2} fz="lg" id="invoices-title">Invoices</Title>
        </Group>
        <DataTable
          label="Invoices"
          table={table}
          query={invoices}
          onExport={() => downloadCsv('/invoices', selection)}
          columns={columns}
          getRowId={(invoice) => String(invoice.id)}
          withSearch={false}
          loadingLabel="Loading invoices…"
          emptyMessage="No invoices recorded for this service yet."
          minWidth={420}
        />
      </Card>
    </Stack>
  );
}
