import { mutationOptions, useMutation } from '@tanstack/react-query';
import { api } from '@/api/client';
import { notifyError, notifySuccess } from '@/lib/notify';

/** DELETE /service/{id}: the soft delete (the service becomes inactive, its costs stay). */
export async function deleteService(id: number): Promise<void> {
  await api.DELETE('/service/{service_id}', { params: { path: { service_id: id } } });
}

export const deleteServiceMutationOptions = () => mutationOptions({
  mutationFn: ({ id }: { id: number; name: string }) => deleteService(id),
  onSuccess: (_data, { name }) => notifySuccess(
    `Service “${name}” deleted (kept as inactive, its costs stay in the reports)`,
    'Deleted',
  ),
  onError: (error) => notifyError(error, 'Service not deleted'),
});

export function useDeleteService() {
  return useMutation(deleteServiceMutationOptions());
}
