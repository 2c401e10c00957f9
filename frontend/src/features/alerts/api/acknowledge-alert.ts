import { mutationOptions, useMutation } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { AlertEvent } from '@/api/types';
import { notifyError, notifySuccess } from '@/lib/notify';

/** POST /alerts/{id}/acknowledge: seen; it stays in the inbox until its condition clears (409 if it has). */
export async function acknowledgeAlert(id: number): Promise<AlertEvent> {
  return dataOf(await api.POST('/alerts/{alert_id}/acknowledge', { params: { path: { alert_id: id } } }));
}

export const acknowledgeAlertMutationOptions = () => mutationOptions({
  mutationFn: acknowledgeAlert,
  onSuccess: (alert) => notifySuccess(alert.subject, 'Alert acknowledged'),
  onError: (error) => notifyError(error, 'Alert not acknowledged'),
});

export function useAcknowledgeAlert() {
  return useMutation(acknowledgeAlertMutationOptions());
}
