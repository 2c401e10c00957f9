import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '@/api/client';
import { notifyError, notifySuccess } from '@/lib/notify';

export function deleteInvoice(id: number): Promise<void> {
  return apiFetch<void>(`/invoices/${id}`, { method: 'DELETE' });
}

export function useDeleteInvoice() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteInvoice,
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: ['invoices'] });
      queryClient.invalidateQueries({ queryKey: ['summary'] });
      notifySuccess('Invoice deleted', 'Deleted');
    },
    onError: (error) => notifyError(error, 'Invoice not deleted'),
  });
}
