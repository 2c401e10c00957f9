import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { Balance } from '@/api/types';

/** GET /usage/balances/{id}: one usage service's balance. */
export async function getBalance(serviceId: number, signal?: AbortSignal): Promise<Balance> {
  return dataOf(await api.GET('/usage/balances/{service_id}', { params: { path: { service_id: serviceId } }, signal }));
}

export const balanceQueryOptions = (serviceId: number) => queryOptions({
  queryKey: ['usage', 'balances', 'detail', serviceId],
  queryFn: ({ signal }) => getBalance(serviceId, signal),
});

export function useBalance(serviceId: number | null) {
  return useQuery({ ...balanceQueryOptions(serviceId ?? 0), enabled: serviceId !== null && serviceId > 0 });
}
