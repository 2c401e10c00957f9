import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, type Page, pageOf } from '@/api/client';
import type { AlertEvent, ListQuery } from '@/api/types';

export type AlertsQuery = Omit<ListQuery<'/alerts'>, 'format'>;

/** GET /alerts: one page of the alert inbox, newest first, filtered by state and kind. */
export async function getAlerts(query: AlertsQuery, signal?: AbortSignal): Promise<Page<AlertEvent>> {
  return pageOf(await api.GET('/alerts', { params: { query }, signal }));
}

export const alertsQueryOptions = (query: AlertsQuery) => queryOptions({
  queryKey: ['alert-events', 'list', query],
  queryFn: ({ signal }) => getAlerts(query, signal),
  placeholderData: keepPreviousData,
});

export function useAlerts(query: AlertsQuery) {
  return useQuery(alertsQueryOptions(query));
}

/**
 * How many alerts are open (not yet acknowledged): one row asked for, the count
 * read from `X-Total-Count`. The navbar's badge and the dashboard's card share it.
 */
export const openAlertCountQueryOptions = () => queryOptions({
  queryKey: ['alert-events', 'list', { state: 'open', limit: 1 }],
  queryFn: ({ signal }) => getAlerts({ state: 'open', limit: 1 }, signal),
  select: (page) => page.total,
  // The server evaluates its rules on a schedule (every 5 minutes by default): look again now and then.
  refetchInterval: 60_000,
});

export function useOpenAlertCount() {
  return useQuery(openAlertCountQueryOptions());
}
