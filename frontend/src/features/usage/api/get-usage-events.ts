import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, type Page, pageOf } from '@/api/client';
import type { ListQuery, SortOf, UsageEvent } from '@/api/types';

export type UsageEventsQuery = ListQuery<'/usage/events'>;
export type UsageEventSort = SortOf<'/usage/events'>;

/** GET /usage/events: one service's top-ups and consumption as one list, paged and sorted by the server. */
export async function getUsageEvents(query: UsageEventsQuery, signal?: AbortSignal): Promise<Page<UsageEvent>> {
  return pageOf(await api.GET('/usage/events', { params: { query }, signal }));
}

export const usageEventsQueryOptions = (query: UsageEventsQuery) => queryOptions({
  queryKey: ['usage', 'events', query],
  queryFn: ({ signal }) => getUsageEvents(query, signal),
  placeholderData: keepPreviousData,
});

export function useUsageEvents(query: UsageEventsQuery) {
  return useQuery(usageEventsQueryOptions(query));
}
