import { mutationOptions, useMutation } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { AlertEvaluation } from '@/api/types';
import { notifyError, notifySuccess } from '@/lib/notify';

/** POST /alerts/evaluate: run every rule now (the server waits for the notifications it sends). */
export async function evaluateAlerts(): Promise<AlertEvaluation> {
  return dataOf(await api.POST('/alerts/evaluate'));
}

/** "2 opened, 1 resolved, 2 notified". */
export function evaluationSummary({ opened, resolved, notified }: AlertEvaluation): string {
  return `${opened} opened, ${resolved} resolved, ${notified} notified`;
}

export const evaluateAlertsMutationOptions = () => mutationOptions({
  mutationFn: evaluateAlerts,
  onSuccess: (result) => notifySuccess(evaluationSummary(result), 'Rules evaluated'),
  onError: (error) => notifyError(error, 'Rules not evaluated'),
});

export function useEvaluateAlerts() {
  return useMutation(evaluateAlertsMutationOptions());
}
