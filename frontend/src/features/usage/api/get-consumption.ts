import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiFetchAll } from '@/api/client';
import type { Consumption } from '@/api/types';

export function getConsumption(serviceId?: number, signal?: AbortSignal): Promise<Consumption[]> {
  return apiFetchAll<Consumption>('/usage/consumption', { service_id: serviceId }, signal);
}

export const consumptionQueryOptions = (serviceId?: number) => queryOptions({
  queryKey: ['usage', 'consumption', { service_id: serviceId }],
  queryFn: ({ signal }) => getConsumption(serviceId, signal),
});

export function useConsumption(serviceId?: number, enabled = true) {
  return useQuery({ ...consumptionQueryOptions(serviceId), enabled });
}
