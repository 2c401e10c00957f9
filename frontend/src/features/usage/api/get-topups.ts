import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiFetchAll } from '@/api/client';
import type { Topup } from '@/api/types';

export function getTopups(serviceId?: number, signal?: AbortSignal): Promise<Topup[]> {
  return apiFetchAll<Topup>('/usage/topups', { service_id: serviceId }, signal);
}

export const topupsQueryOptions = (serviceId?: number) => queryOptions({
  queryKey: ['usage', 'topups', { service_id: serviceId }],
  queryFn: ({ signal }) => getTopups(serviceId, signal),
});

export function useTopups(serviceId?: number, enabled = true) {
  return useQuery({ ...topupsQueryOptions(serviceId), enabled });
}
