import { mutationOptions, useMutation } from '@tanstack/react-query';
import { api } from '@/api/client';
import { notifyError, notifySuccess } from '@/lib/notify';

/** DELETE /tokens/{id}: the token stops working at once. */
export async function deleteToken(id: number): Promise<void> {
  await api.DELETE('/tokens/{token_id}', { params: { path: { token_id: id } } });
}

export const deleteTokenMutationOptions = () => mutationOptions({
  mutationFn: deleteToken,
  onSuccess: () => notifySuccess('API token revoked', 'Revoked'),
  onError: (error) => notifyError(error, 'Token not revoked'),
});

export function useDeleteToken() {
  return useMutation(deleteTokenMutationOptions());
}
