import { mutationOptions, useMutation } from '@tanstack/react-query';
import { api } from '@/api/client';
import { notifyError, notifySuccess } from '@/lib/notify';

/** DELETE /connections/{id}: the connection and its runs go; the consumption it synced stays. */
export async function deleteConnection(id: number): Promise<void> {
  await api.DELETE('/connections/{connection_id}', { params: { path: { connection_id: id } } });
}

export const deleteConnectionMutationOptions = () => mutationOptions({
  mutationFn: deleteConnection,
  onSuccess: () => notifySuccess('Connection deleted; the consumption it synced stays', 'Deleted'),
  onError: (error) => notifyError(error, 'Connection not deleted'),
});

export function useDeleteConnection() {
  return useMutation(deleteConnectionMutationOptions());
}
