import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { Service } from '@/api/types';

/** GET /service/{id}. */
export async function getService(id: number, signal?: AbortSignal): Promise<Service> {
  return dataOf(await api.GET('/service/{service_id}', { params: { path: { service_id: id } }, signal }));
}

export const serviceQueryOptions = (id: number) => queryOptions({
  queryKey: ['services', 'detail', id],
  queryFn: ({ signal }) => getService(id, signal),
});

export function useService(id: number) {
  return useQuery({ ...serviceQueryOptions(id), enabled: Number.isInteger(id) && id > 0 });
}
