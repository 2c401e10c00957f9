import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { Summary, SummaryView } from '@/api/types';

/** GET /summary/series?start=YYYY-MM&end=YYYY-MM&view=: one summary per month, oldest first. */
export async function getSummarySeries(
  start: string,
  end: string,
  view: SummaryView = 'accrual',
  signal?: AbortSignal,
): Promise<Summary[]> {
  return dataOf(await api.GET('/summary/series', { params: { query: { start, end, view } }, signal }));
}

export const summarySeriesQueryOptions = (start: string, end: string, view: SummaryView = 'accrual') => queryOptions({
  queryKey: ['summary', 'series', start, end, view],
  queryFn: ({ signal }) => getSummarySeries(start, end, view, signal),
});

export function useSummarySeries(start: string, end: string, view: SummaryView = 'accrual') {
  return useQuery(summarySeriesQueryOptions(start, end, view));
}
