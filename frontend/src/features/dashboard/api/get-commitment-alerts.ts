import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiFetch } from '@/api/client';
import type { CommitmentAlert } from '@/api/types';

/** Annual commitments ending within the server's default window (90 days). */
export function getCommitmentAlerts(signal?: AbortSignal): Promise<CommitmentAlert[]> {
  return apiFetch<CommitmentAlert[]>('/alerts/commitments', { signal });
}

export const commitmentAlertsQueryOptions = () => queryOptions({
  queryKey: ['alerts', 'commitments'],
  queryFn: ({ signal }) => getCommitmentAlerts(signal),
});

export function useCommitmentAlerts() {
  return useQuery(commitmentAlertsQueryOptions());
}
