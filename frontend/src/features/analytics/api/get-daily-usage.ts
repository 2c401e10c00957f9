import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { DailyUsage } from '@/api/types';

/** GET /usage/daily?days=N: usage consumption per day over the last N days, every day listed. */
export async function getDailyUsage(days: number, signal?: AbortSignal): Promise<DailyUsage> {
  return dataOf(await api.GET('/usage/daily', { params: { query: { days } }, signal }));
}

export const dailyUsageQueryOptions = (days: number) => queryOptions({
  queryKey: ['usage', 'daily', days],
  queryFn: ({ signal }) => getDailyUsage(days, signal),
});

export function useDailyUsage(days: number) {
  return useQuery(dailyUsageQueryOptions(days));
}
