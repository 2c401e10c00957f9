import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { Overview, SummaryView } from '@/api/types';

/**
 * GET /summary/overview?view=: this month and the same month last year, the
 * change in percent, seats in force, low balances and commitments due, all
 * computed by the server (in the accrual or the cash view).
 */
export async function getOverview(view: SummaryView = 'accrual', signal?: AbortSignal): Promise<Overview> {
  return dataOf(await api.GET('/summary/overview', { params: { query: { view } }, signal }));
}

export const overviewQueryOptions = (view: SummaryView = 'accrual') => queryOptions({
  queryKey: ['summary', 'overview', view],
  queryFn: ({ signal }) => getOverview(view, signal),
});

export function useOverview(view: SummaryView = 'accrual') {
  return useQuery(overviewQueryOptions(view));
}
