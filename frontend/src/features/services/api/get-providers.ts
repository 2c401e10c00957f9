import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, type Page, pageOf } from '@/api/client';
import type { ListQuery, Provider } from '@/api/types';
import { SEARCH_LIMIT, type SearchOption } from '@/components/SearchSelect';

export type ProvidersQuery = ListQuery<'/providers'>;

/** GET /providers: one page of providers, by name. */
export async function getProviders(query: ProvidersQuery, signal?: AbortSignal): Promise<Page<Provider>> {
  return pageOf(await api.GET('/providers', { params: { query }, signal }));
}

export const providersQueryOptions = (query: ProvidersQuery) => queryOptions({
  queryKey: ['providers', 'list', query],
  queryFn: ({ signal }) => getProviders(query, signal),
  placeholderData: keepPreviousData,
});

export function useProviders(query: ProvidersQuery) {
  return useQuery(providersQueryOptions(query));
}

/** Options of a provider picker: the providers whose name contains `search`. */
export const providerOptionsQueryOptions = (search: string) => queryOptions({
  ...providersQueryOptions({ q: search || undefined, sort: 'name', limit: SEARCH_LIMIT }),
  select: (page): SearchOption[] => page.rows.map((provider) => ({ value: String(provider.id), label: provider.name })),
});
