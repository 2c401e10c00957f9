import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { LowBalanceAlert } from '@/api/types';

/** Usage services below the server's low-balance threshold (each alert says which percent). */
export async function getLowBalanceAlerts(signal?: AbortSignal): Promise<LowBalanceAlert[]> {
  return dataOf(await api.GET('/alerts/low-balance', { signal }));
}

export const lowBalanceAlertsQueryOptions = () => queryOptions({
  queryKey: ['alerts', 'low-balance'],
  queryFn: ({ signal }) => getLowBalanceAlerts(signal),
});

export function useLowBalanceAlerts() {
  return useQuery(lowBalanceAlertsQueryOptions());
}
