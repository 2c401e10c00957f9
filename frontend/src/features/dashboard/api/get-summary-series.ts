import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { Summary } from '@/api/types';

/** GET /summary/series?start=YYYY-MM&end=YYYY-MM: one summary per month, oldest first. */
export async function getSummarySeries(start: string, end: string, signal?: AbortSignal): Promise<Summary[]> {
  return dataOf(await api.GET('/summary/series', { params: { query: { start, end } }, signal }));
}

export const summarySeriesQueryOptions = (start: string, end: string) => queryOptions({
  queryKey: ['summary', 'series', start, end],
  queryFn: ({ signal }) => getSummarySeries(start, end, signal),
});

export function useSummarySeries(start: string, end: string) {
  return useQuery(summarySeriesQueryOptions(start, end));
}
