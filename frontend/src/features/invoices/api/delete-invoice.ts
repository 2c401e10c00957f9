import { mutationOptions, useMutation } from '@tanstack/react-query';
import { api } from '@/api/client';
import { notifyError, notifySuccess } from '@/lib/notify';

/** DELETE /invoices/{id}. */
export async function deleteInvoice(id: number): Promise<void> {
  await api.DELETE('/invoices/{invoice_id}', { params: { path: { invoice_id: id } } });
}

export const deleteInvoiceMutationOptions = () => mutationOptions({
  mutationFn: deleteInvoice,
  onSuccess: () => notifySuccess('Invoice deleted', 'Deleted'),
  onError: (error) => notifyError(error, 'Invoice not deleted'),
});

export function useDeleteInvoice() {
  return useMutation(deleteInvoiceMutationOptions());
}
