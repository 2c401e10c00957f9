import { mutationOptions, useMutation } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { ApiTokenCreate, ApiTokenCreated } from '@/api/types';
import { notifyError, notifySuccess } from '@/lib/notify';

/** POST /tokens: the answer is the only one that holds the token itself. */
export async function createToken(body: ApiTokenCreate): Promise<ApiTokenCreated> {
  return dataOf(await api.POST('/tokens', { body }));
}

export const createTokenMutationOptions = () => mutationOptions({
  mutationFn: createToken,
  onSuccess: (token) => notifySuccess(`API token "${token.name}" created`, 'Token created'),
  onError: (error) => notifyError(error, 'Token not created'),
});

export function useCreateToken() {
  return useMutation(createTokenMutationOptions());
}
