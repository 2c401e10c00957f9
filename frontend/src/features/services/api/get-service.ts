import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiFetch } from '@/api/client';
import type { Service } from '@/api/types';

export function getService(id: number, signal?: AbortSignal): Promise<Service> {
  return apiFetch<Service>(`/service/${id}`, { signal });
}

export const serviceQueryOptions = (id: number) => queryOptions({
  queryKey: ['services', 'detail', id],
  queryFn: ({ signal }) => getService(id, signal),
});

export function useService(id: number) {
  return useQuery(serviceQueryOptions(id));
}
