import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiFetch } from '@/api/client';
import type { Summary } from '@/api/types';

/** GET /summary/series?start=YYYY-MM&end=YYYY-MM: one summary per month, oldest first. */
export function getSummarySeries(start: string, end: string, signal?: AbortSignal): Promise<Summary[]> {
  return apiFetch<Summary[]>('/summary/series', { query: { start, end }, signal });
}

export const summarySeriesQueryOptions = (start: string, end: string) => queryOptions({
  queryKey: ['summary', 'series', start, end],
  queryFn: ({ signal }) => getSummarySeries(start, end, signal),
});

export function useSummarySeries(start: string, end: string) {
  return useQuery(summarySeriesQueryOptions(start, end));
}
