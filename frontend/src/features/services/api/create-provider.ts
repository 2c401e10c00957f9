import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '@/api/client';
import type { Provider, ProviderCreate } from '@/api/types';
import { notifyError, notifySuccess } from '@/lib/notify';

export function createProvider(body: ProviderCreate): Promise<Provider> {
  return apiFetch<Provider>('/providers', { method: 'POST', body });
}

export function useCreateProvider() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createProvider,
    onSuccess: (provider) => {
      queryClient.invalidateQueries({ queryKey: ['providers'] });
      notifySuccess(`Provider “${provider.name}” added`);
    },
    onError: (error) => notifyError(error, 'Provider not added'),
  });
}
