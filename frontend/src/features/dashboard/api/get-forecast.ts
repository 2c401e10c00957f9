import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { Forecast } from '@/api/types';

/**
 * GET /forecast: this month's spend so far and its expected month-end amount,
 * by category, with the method the server used for each.
 */
export async function getForecast(signal?: AbortSignal): Promise<Forecast> {
  return dataOf(await api.GET('/forecast', { signal }));
}

export const forecastQueryOptions = () => queryOptions({
  queryKey: ['summary', 'forecast'],
  queryFn: ({ signal }) => getForecast(signal),
});

export function useForecast() {
  return useQuery(forecastQueryOptions());
}
