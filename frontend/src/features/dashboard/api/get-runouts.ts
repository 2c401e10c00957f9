import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, type Page, pageOf } from '@/api/client';
import type { Balance } from '@/api/types';

/** How many of the soonest run-outs the dashboard lists. */
export const RUNOUTS_SHOWN = 5;

/**
 * GET /usage/balances?sort=days_left: the prepaid services that run out first
 * at their 30-day burn (the server sorts; those not burning come last).
 */
export async function getRunouts(signal?: AbortSignal): Promise<Page<Balance>> {
  return pageOf(await api.GET('/usage/balances', {
    params: { query: { sort: 'days_left', limit: RUNOUTS_SHOWN } },
    signal,
  }));
}

export const runoutsQueryOptions = () => queryOptions({
  queryKey: ['usage', 'balances', 'runouts'],
  queryFn: ({ signal }) => getRunouts(signal),
});

export function useRunouts() {
  return useQuery(runoutsQueryOptions());
}
