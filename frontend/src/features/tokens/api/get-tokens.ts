import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, type Page, pageOf } from '@/api/client';
import type { ApiToken, ListQuery } from '@/api/types';

export type TokensQuery = ListQuery<'/tokens'>;

/** GET /tokens: one page of the API tokens, newest first (never the tokens themselves). */
export async function getTokens(query: TokensQuery, signal?: AbortSignal): Promise<Page<ApiToken>> {
  return pageOf(await api.GET('/tokens', { params: { query }, signal }));
}

export const tokensQueryOptions = (query: TokensQuery) => queryOptions({
  queryKey: ['tokens', 'list', query],
  queryFn: ({ signal }) => getTokens(query, signal),
  placeholderData: keepPreviousData,
});

export function useTokens(query: TokensQuery) {
  return useQuery(tokensQueryOptions(query));
}
