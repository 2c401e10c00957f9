import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiFetchAll } from '@/api/client';
import type { Provider } from '@/api/types';

export function getProviders(signal?: AbortSignal): Promise<Provider[]> {
  return apiFetchAll<Provider>('/providers', {}, signal);
}

export const providersQueryOptions = () => queryOptions({
  queryKey: ['providers'],
  queryFn: ({ signal }) => getProviders(signal),
});

export function useProviders() {
  return useQuery(providersQueryOptions());
}
