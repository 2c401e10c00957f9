import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { Forecast, SummaryView } from '@/api/types';

/**
 * GET /forecast?view=: this month's spend so far and its expected month-end
 * amount, by category, with the method the server used for each (in the
 * accrual or the cash view).
 */
export async function getForecast(view: SummaryView = 'accrual', signal?: AbortSignal): Promise<Forecast> {
  return dataOf(await api.GET('/forecast', { params: { query: { view } }, signal }));
}

export const forecastQueryOptions = (view: SummaryView = 'accrual') => queryOptions({
  queryKey: ['summary', 'forecast', view],
  queryFn: ({ signal }) => getForecast(view, signal),
});

export function useForecast(view: SummaryView = 'accrual') {
  return useQuery(forecastQueryOptions(view));
}
