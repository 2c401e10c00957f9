import { mutationOptions, useMutation } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { Budget, BudgetCreate, BudgetUpdate } from '@/api/types';
import { notifyError, notifySuccess } from '@/lib/notify';

export type SaveBudget = { id: null; body: BudgetCreate } | { id: number; body: BudgetUpdate };

/** POST /budgets, or PUT /budgets/{id} (only the fields that changed) for an existing one. */
export async function saveBudget(save: SaveBudget): Promise<Budget> {
  if (save.id === null) return dataOf(await api.POST('/budgets', { body: save.body }));
  return dataOf(await api.PUT('/budgets/{budget_id}', {
    params: { path: { budget_id: save.id } }, body: save.body,
  }));
}

export const saveBudgetMutationOptions = () => mutationOptions({
  mutationFn: saveBudget,
  onSuccess: (budget, save) => notifySuccess(
    `Budget “${budget.name}” ${save.id === null ? 'created' : 'updated'}`,
    save.id === null ? 'Created' : 'Saved',
  ),
  onError: (error) => notifyError(error, 'Budget not saved'),
});

export function useSaveBudget() {
  return useMutation(saveBudgetMutationOptions());
}
