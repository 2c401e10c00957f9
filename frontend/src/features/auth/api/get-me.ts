import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { Me } from '@/api/types';

/** GET /auth/me: who is signed in. */
export async function getMe(signal?: AbortSignal): Promise<Me> {
  return dataOf(await api.GET('/auth/me', { signal }));
}

export const meQueryOptions = () => queryOptions({
  queryKey: ['auth', 'me'],
  queryFn: ({ signal }) => getMe(signal),
});

export function useMe() {
  return useQuery(meQueryOptions());
}
