import { mutationOptions, useMutation } from '@tanstack/react-query';
import { api } from '@/api/client';
import { notifyError, notifySuccess } from '@/lib/notify';

/** DELETE /notification-channels/{id}: the channel and its delivery log. */
export async function deleteChannel(id: number): Promise<void> {
  await api.DELETE('/notification-channels/{channel_id}', { params: { path: { channel_id: id } } });
}

export const deleteChannelMutationOptions = () => mutationOptions({
  mutationFn: deleteChannel,
  onSuccess: () => notifySuccess('Notification channel deleted', 'Deleted'),
  onError: (error) => notifyError(error, 'Channel not deleted'),
});

export function useDeleteChannel() {
  return useMutation(deleteChannelMutationOptions());
}
