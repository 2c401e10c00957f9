import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { Category } from '@/api/types';

/** GET /categories: the three fixed categories, each with its stable `code`. */
export async function getCategories(signal?: AbortSignal): Promise<Category[]> {
  return dataOf(await api.GET('/categories', { signal }));
}

export const categoriesQueryOptions = () => queryOptions({
  queryKey: ['categories'],
  queryFn: ({ signal }) => getCategories(signal),
  staleTime: Infinity,
});

export function useCategories() {
  return useQuery(categoriesQueryOptions());
}
