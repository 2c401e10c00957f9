import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, type Page, pageOf } from '@/api/client';
import type { Budget } from '@/api/types';

/** Budgets are a handful (one per team, category or service): one page holds them all. */
export const BUDGETS_LIMIT = 1000;

/** GET /budgets: every budget by name, with the ids its scope names (for the edit form). */
export async function getBudgets(signal?: AbortSignal): Promise<Page<Budget>> {
  return pageOf(await api.GET('/budgets', { params: { query: { limit: BUDGETS_LIMIT } }, signal }));
}

export const budgetsQueryOptions = () => queryOptions({
  queryKey: ['budgets', 'list'],
  queryFn: ({ signal }) => getBudgets(signal),
});

export function useBudgets() {
  return useQuery(budgetsQueryOptions());
}
