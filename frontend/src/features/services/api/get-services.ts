import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, type Page, pageOf } from '@/api/client';
import type { ListQuery, Service, SortOf } from '@/api/types';
import { SEARCH_LIMIT, type SearchOption } from '@/components/SearchSelect';

export type ServicesQuery = ListQuery<'/service'>;
export type ServiceSort = SortOf<'/service'>;

/** GET /service: one page of services, filtered and sorted by the server. */
export async function getServices(query: ServicesQuery, signal?: AbortSignal): Promise<Page<Service>> {
  return pageOf(await api.GET('/service', { params: { query }, signal }));
}

export const servicesQueryOptions = (query: ServicesQuery) => queryOptions({
  queryKey: ['services', 'list', query],
  queryFn: ({ signal }) => getServices(query, signal),
  placeholderData: keepPreviousData,
});

export function useServices(query: ServicesQuery) {
  return useQuery(servicesQueryOptions(query));
}

/** Options of a service picker: active services whose name contains `search`, in one category if given. */
export const serviceOptionsQueryOptions = (search: string, categoryId?: number | null) => queryOptions({
  ...servicesQueryOptions({
    q: search || undefined, category_id: categoryId ?? undefined, active: true, sort: 'name', limit: SEARCH_LIMIT,
  }),
  // A picker for one category waits until the category's id is known.
  enabled: categoryId !== null,
  select: (page): SearchOption[] => page.rows.map((service) => ({
    value: String(service.id), label: `${service.name} (${service.provider_name})`,
  })),
});
