import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, type Page, pageOf } from '@/api/client';
import type { FxRate, ListQuery } from '@/api/types';

export type FxRatesQuery = ListQuery<'/fx-rates'>;

/** GET /fx-rates: one page of the rates to the reporting currency, newest month first. */
export async function getFxRates(query: FxRatesQuery, signal?: AbortSignal): Promise<Page<FxRate>> {
  return pageOf(await api.GET('/fx-rates', { params: { query }, signal }));
}

export const fxRatesQueryOptions = (query: FxRatesQuery) => queryOptions({
  queryKey: ['fx-rates', 'list', query],
  queryFn: ({ signal }) => getFxRates(query, signal),
  placeholderData: keepPreviousData,
});

export function useFxRates(query: FxRatesQuery) {
  return useQuery(fxRatesQueryOptions(query));
}
