import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiFetch } from '@/api/client';
import type { Balance } from '@/api/types';

export function getBalances(signal?: AbortSignal): Promise<Balance[]> {
  return apiFetch<Balance[]>('/usage/balances', { signal });
}

export const balancesQueryOptions = () => queryOptions({
  queryKey: ['usage', 'balances'],
  queryFn: ({ signal }) => getBalances(signal),
});

export function useBalances() {
  return useQuery(balancesQueryOptions());
}
