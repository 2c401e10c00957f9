import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { Overview } from '@/api/types';

/**
 * GET /summary/overview: this month and the same month last year, the change
 * in percent, seats in force, low balances and commitments due, all computed
 * by the server.
 */
export async function getOverview(signal?: AbortSignal): Promise<Overview> {
  return dataOf(await api.GET('/summary/overview', { signal }));
}

export const overviewQueryOptions = () => queryOptions({
  queryKey: ['summary', 'overview'],
  queryFn: ({ signal }) => getOverview(signal),
});

export function useOverview() {
  return useQuery(overviewQueryOptions());
}
