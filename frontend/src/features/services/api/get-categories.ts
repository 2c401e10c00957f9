import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiFetch } from '@/api/client';
import type { Category } from '@/api/types';

export function getCategories(signal?: AbortSignal): Promise<Category[]> {
  return apiFetch<Category[]>('/categories', { signal });
}

export const categoriesQueryOptions = () => queryOptions({
  queryKey: ['categories'],
  queryFn: ({ signal }) => getCategories(signal),
  staleTime: Infinity,
});

export function useCategories() {
  return useQuery(categoriesQueryOptions());
}
