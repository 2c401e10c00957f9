import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { BudgetStatus } from '@/api/types';

/** A month as `{ year, month }`; none means the server's current month. */
export interface BudgetMonth {
  year: number;
  month: number;
}

/** GET /budgets/status: each budget's month: spent, forecast, percents and thresholds crossed. */
export async function getBudgetStatus(when: BudgetMonth | null, signal?: AbortSignal): Promise<BudgetStatus[]> {
  return dataOf(await api.GET('/budgets/status', { params: { query: when ?? {} }, signal }));
}

export const budgetStatusQueryOptions = (when: BudgetMonth | null) => queryOptions({
  queryKey: ['budgets', 'status', when],
  queryFn: ({ signal }) => getBudgetStatus(when, signal),
  placeholderData: keepPreviousData,
});

export function useBudgetStatus(when: BudgetMonth | null) {
  return useQuery(budgetStatusQueryOptions(when));
}
