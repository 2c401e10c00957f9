import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { Connection } from '@/api/types';

/** GET /connections: every provider connection, by name (never their credentials). */
export async function getConnections(signal?: AbortSignal): Promise<Connection[]> {
  return dataOf(await api.GET('/connections', { signal }));
}

export const connectionsQueryOptions = () => queryOptions({
  queryKey: ['connections', 'list'],
  queryFn: ({ signal }) => getConnections(signal),
});

export function useConnections() {
  return useQuery(connectionsQueryOptions());
}
