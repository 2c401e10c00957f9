import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { CommitmentAlert } from '@/api/types';

/**
 * Annual commitments ending within the server's default window (90 days), one
 * per service (the server keeps the plan in force, else the latest).
 */
export async function getCommitmentAlerts(signal?: AbortSignal): Promise<CommitmentAlert[]> {
  return dataOf(await api.GET('/alerts/commitments', { params: { query: { one_per_service: true } }, signal }));
}

export const commitmentAlertsQueryOptions = () => queryOptions({
  queryKey: ['alerts', 'commitments', { one_per_service: true }],
  queryFn: ({ signal }) => getCommitmentAlerts(signal),
});

export function useCommitmentAlerts() {
  return useQuery(commitmentAlertsQueryOptions());
}
