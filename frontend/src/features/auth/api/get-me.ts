import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiFetch } from '@/api/client';
import type { Me } from '@/api/types';

export function getMe(signal?: AbortSignal): Promise<Me> {
  return apiFetch<Me>('/auth/me', { signal });
}

export const meQueryOptions = () => queryOptions({
  queryKey: ['auth', 'me'],
  queryFn: ({ signal }) => getMe(signal),
});

export function useMe() {
  return useQuery(meQueryOptions());
}
