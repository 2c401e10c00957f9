import { mutationOptions, useMutation } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type {
  NotificationChannel, NotificationChannelCreate, NotificationChannelUpdate,
} from '@/api/types';
import { notifyError, notifySuccess } from '@/lib/notify';

export type SaveChannel = { id: null; body: NotificationChannelCreate }
  | { id: number; body: NotificationChannelUpdate };

/** POST /notification-channels, or PUT /notification-channels/{id} for an existing one. */
export async function saveChannel(save: SaveChannel): Promise<NotificationChannel> {
  if (save.id === null) {
    return dataOf(await api.POST('/notification-channels', { body: save.body }));
  }
  return dataOf(await api.PUT('/notification-channels/{channel_id}', {
    params: { path: { channel_id: save.id } }, body: save.body,
  }));
}

export const saveChannelMutationOptions = () => mutationOptions({
  mutationFn: saveChannel,
  onSuccess: (channel) => notifySuccess(`Channel "${channel.name}" saved`),
  onError: (error) => notifyError(error, 'Channel not saved'),
});

export function useSaveChannel() {
  return useMutation(saveChannelMutationOptions());
}
