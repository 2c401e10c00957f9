import { mutationOptions, useMutation } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { NotificationDelivery } from '@/api/types';
import { notifyError, notifySuccess } from '@/lib/notify';

/** POST /notification-channels/{id}/test: sends now; a 502 carries the receiver's reason. */
export async function testChannel(id: number): Promise<NotificationDelivery> {
  return dataOf(await api.POST('/notification-channels/{channel_id}/test', {
    params: { path: { channel_id: id } },
  }));
}

export const testChannelMutationOptions = () => mutationOptions({
  mutationFn: testChannel,
  onSuccess: (delivery) => notifySuccess(
    `Delivered after ${delivery.attempts} ${delivery.attempts === 1 ? 'try' : 'tries'}`,
    'Test sent',
  ),
  onError: (error) => notifyError(error, 'Test not delivered'),
});

export function useTestChannel() {
  return useMutation(testChannelMutationOptions());
}
