import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '@/api/client';
import type { Invoice, InvoiceCreate } from '@/api/types';
import { formatMoney, formatMonth } from '@/lib/format';
import { notifyError, notifySuccess } from '@/lib/notify';

export function createInvoice(body: InvoiceCreate): Promise<Invoice> {
  return apiFetch<Invoice>('/invoices', { method: 'POST', body });
}

export function useCreateInvoice() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createInvoice,
    onSuccess: (invoice) => {
      queryClient.invalidateQueries({ queryKey: ['invoices'] });
      queryClient.invalidateQueries({ queryKey: ['summary'] });
      notifySuccess(`Invoice for ${formatMonth(invoice.invoice_month)} added: ${formatMoney(invoice.amount, invoice.currency)}`, 'Invoice added');
    },
    onError: (error) => notifyError(error, 'Invoice not added'),
  });
}
