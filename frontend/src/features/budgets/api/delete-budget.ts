import { mutationOptions, useMutation } from '@tanstack/react-query';
import { api } from '@/api/client';
import { notifyError, notifySuccess } from '@/lib/notify';

/** DELETE /budgets/{id}: the budget goes; its past alerts stay in the inbox. */
export async function deleteBudget(id: number): Promise<void> {
  await api.DELETE('/budgets/{budget_id}', { params: { path: { budget_id: id } } });
}

export const deleteBudgetMutationOptions = () => mutationOptions({
  mutationFn: deleteBudget,
  onSuccess: () => notifySuccess('Budget deleted', 'Deleted'),
  onError: (error) => notifyError(error, 'Budget not deleted'),
});

export function useDeleteBudget() {
  return useMutation(deleteBudgetMutationOptions());
}
