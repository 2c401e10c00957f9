import { mutationOptions, useMutation } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { Invoice, InvoiceCreate } from '@/api/types';
import { formatMoney, formatMonth } from '@/lib/format';
import { notifyError, notifySuccess } from '@/lib/notify';

/** POST /invoices. */
export async function createInvoice(body: InvoiceCreate): Promise<Invoice> {
  return dataOf(await api.POST('/invoices', { body }));
}

export const createInvoiceMutationOptions = () => mutationOptions({
  mutationFn: createInvoice,
  onSuccess: (invoice) => notifySuccess(
    `Invoice for ${formatMonth(invoice.invoice_month)} added: ${formatMoney(invoice.amount, invoice.currency)}`,
    'Invoice added',
  ),
  onError: (error) => notifyError(error, 'Invoice not added'),
});

export function useCreateInvoice() {
  return useMutation(createInvoiceMutationOptions());
}
