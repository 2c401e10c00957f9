import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, type Page, pageOf } from '@/api/client';
import type { Balance, ListQuery, SortOf } from '@/api/types';

export type BalancesQuery = ListQuery<'/usage/balances'>;
export type BalanceSort = SortOf<'/usage/balances'>;

/**
 * GET /usage/balances with `limit`: one page of usage services with their
 * balance, threshold and low-balance flag (computed by the server).
 */
export async function getBalances(
  query: BalancesQuery & { limit: number },
  signal?: AbortSignal,
): Promise<Page<Balance>> {
  return pageOf(await api.GET('/usage/balances', { params: { query }, signal }));
}

export const balancesQueryOptions = (query: BalancesQuery & { limit: number }) => queryOptions({
  queryKey: ['usage', 'balances', 'list', query],
  queryFn: ({ signal }) => getBalances(query, signal),
  placeholderData: keepPreviousData,
});

export function useBalances(query: BalancesQuery & { limit: number }) {
  return useQuery(balancesQueryOptions(query));
}
