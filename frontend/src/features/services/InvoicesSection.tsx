import { useMemo } from 'react';
import {
  ActionIcon, Button, Card, Group, SimpleGrid, Stack, Title, Tooltip,
} from '@mantine/core';
import { MonthPickerInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { IconTrash } from '@tabler/icons-react';
import { createColumnHelper } from '@tanstack/react-table';
import dayjs from 'dayjs';
import type { Invoice, Service } from '@/api/types';
import { CurrencySelect } from '@/components/CurrencySelect';
import { DataTable } from '@/components/DataTable';
import { MoneyInput } from '@/components/MoneyInput';
import { MoneyText } from '@/components/MoneyText';
import { MonthText } from '@/components/MonthText';
import { ErrorState, PageLoader } from '@/components/PageStates';
import { confirmDestructive } from '@/components/confirm';
import { DEFAULT_CURRENCY } from '@/lib/currencies';
import { formatMoney, formatMonth, toApiMonth } from '@/lib/format';
import { moneyError, requiredError } from '@/lib/validation';
import { useCreateInvoice } from './api/create-invoice';
import { useDeleteInvoice } from './api/delete-invoice';
import { useInvoices } from './api/get-invoices';

const column = createColumnHelper<Invoice>();

function InvoiceForm({ service, lastCurrency }: { service: Service; lastCurrency?: string }) {
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
      service_id: service.id,
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

export function InvoicesSection({ service }: { service: Service }) {
  const invoices = useInvoices(service.id);
  const deleteInvoice = useDeleteInvoice();
  const rows = useMemo(
    () => (invoices.data ?? []).filter((invoice) => invoice.service_id === service.id),
    [invoices.data, service.id],
  );
  const lastCurrency = [...rows].sort((a, b) => b.invoice_month.localeCompare(a.invoice_month))[0]?.currency;

  const columns = useMemo(() => [
    column.accessor('invoice_month', {
      header: 'Month',
      meta: { filterText: (row) => formatMonth(row.invoice_month) },
      cell: ({ getValue }) => <MonthText value={getValue()} />,
    }),
    column.accessor('amount', {
      header: 'Amount',
      sortingFn: 'decimal',
      meta: { align: 'right', filterText: (row) => formatMoney(row.amount, row.currency) },
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
              onConfirm: () => deleteInvoice.mutate(original.id),
            })}
          >
            <IconTrash size={16} />
          </ActionIcon>
        </Tooltip>
      ),
    }),
  ], [deleteInvoice]);

  return (
    <Stack gap="md">
      <Card component="section" aria-labelledby="add-invoice-title">
        <Title order={2} fz="lg" mb="sm" id="add-invoice-title">Add an invoice</Title>
        <InvoiceForm key={lastCurrency ?? 'none'} service={service} lastCurrency={lastCurrency} />
      </Card>
      <Card component="section" aria-labelledby="invoices-title">
        <Group justify="space-between" mb="sm">
          <Title order={2} fz="lg" id="invoices-title">Invoices</Title>
        </Group>
        {invoices.isPending && <PageLoader label="Loading invoices…" />}
        {invoices.isError && <ErrorState error={invoices.error} onRetry={() => invoices.refetch()} />}
        {invoices.isSuccess && (
          <DataTable
            label="Invoices"
            data={rows}
            columns={columns}
            getRowId={(invoice) => String(invoice.id)}
            initialSorting={[{ id: 'invoice_month', desc: true }]}
            emptyMessage="No invoices recorded for this service yet."
            minWidth={420}
          />
        )}
      </Card>
    </Stack>
  );
}
