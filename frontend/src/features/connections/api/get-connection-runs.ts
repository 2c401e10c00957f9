import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { SyncRun } from '@/api/types';

/** How many of the latest runs the history shows. */
export const RUNS_LIMIT = 50;

/** GET /connections/{id}/runs: the latest syncs of a connection, newest first. */
export async function getConnectionRuns(id: number, signal?: AbortSignal): Promise<SyncRun[]> {
  return dataOf(await api.GET('/connections/{connection_id}/runs', {
    params: { path: { connection_id: id }, query: { limit: RUNS_LIMIT } },
    signal,
  }));
}

export const connectionRunsQueryOptions = (id: number) => queryOptions({
  queryKey: ['connections', 'runs', id],
  queryFn: ({ signal }) => getConnectionRuns(id, signal),
});

export function useConnectionRuns(id: number) {
  return useQuery(connectionRunsQueryOptions(id));
}
