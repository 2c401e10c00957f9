import { mutationOptions, useMutation } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { Provider, ProviderCreate } from '@/api/types';
import { notifyError, notifySuccess } from '@/lib/notify';

/** POST /providers. */
export async function createProvider(body: ProviderCreate): Promise<Provider> {
  return dataOf(await api.POST('/providers', { body }));
}

export const createProviderMutationOptions = () => mutationOptions({
  mutationFn: createProvider,
  onSuccess: (provider) => notifySuccess(`Provider “${provider.name}” added`),
  onError: (error) => notifyError(error, 'Provider not added'),
});

export function useCreateProvider() {
  return useMutation(createProviderMutationOptions());
}
