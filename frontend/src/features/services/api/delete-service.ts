import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '@/api/client';
import { notifyError, notifySuccess } from '@/lib/notify';

/** DELETE /service/{id}: the soft delete (the service becomes inactive, its costs stay). */
export function deleteService(id: number): Promise<void> {
  return apiFetch<void>(`/service/${id}`, { method: 'DELETE' });
}

export function useDeleteService() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id }: { id: number; name: string }) => deleteService(id),
    onSuccess: (_data, { name }) => {
      queryClient.invalidateQueries({ queryKey: ['services'] });
      queryClient.invalidateQueries({ queryKey: ['licenses'] });
      queryClient.invalidateQueries({ queryKey: ['usage'] });
      queryClient.invalidateQueries({ queryKey: ['alerts'] });
      notifySuccess(`Service “${name}” deleted (kept as inactive, its costs stay in the reports)`, 'Deleted');
    },
    onError: (error) => notifyError(error, 'Service not deleted'),
  });
}
