import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiFetch } from '@/api/client';
import type { LowBalanceAlert } from '@/api/types';

export const LOW_BALANCE_PERCENT = 20;

/** Usage services whose balance is below 20 % of their last top-up. */
export function getLowBalanceAlerts(signal?: AbortSignal): Promise<LowBalanceAlert[]> {
  return apiFetch<LowBalanceAlert[]>('/alerts/low-balance', { query: { threshold_percent: LOW_BALANCE_PERCENT }, signal });
}

export const lowBalanceAlertsQueryOptions = () => queryOptions({
  queryKey: ['alerts', 'low-balance'],
  queryFn: ({ signal }) => getLowBalanceAlerts(signal),
});

export function useLowBalanceAlerts() {
  return useQuery(lowBalanceAlertsQueryOptions());
}
