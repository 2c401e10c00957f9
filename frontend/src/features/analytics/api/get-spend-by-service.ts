import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { SpendByService } from '@/api/types';

/** GET /summary/by-service?year=&month=: a month's spend per service, largest first. */
export async function getSpendByService(year: number, month: number, signal?: AbortSignal): Promise<SpendByService> {
  return dataOf(await api.GET('/summary/by-service', { params: { query: { year, month } }, signal }));
}

export const spendByServiceQueryOptions = (year: number, month: number) => queryOptions({
  queryKey: ['summary', 'by-service', year, month],
  queryFn: ({ signal }) => getSpendByService(year, month, signal),
});

export function useSpendByService(year: number, month: number) {
  return useQuery(spendByServiceQueryOptions(year, month));
}
