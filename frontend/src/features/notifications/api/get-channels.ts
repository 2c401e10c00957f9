import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { NotificationChannel } from '@/api/types';

/** GET /notification-channels: every channel, by name (never a webhook's secret). */
export async function getChannels(signal?: AbortSignal): Promise<NotificationChannel[]> {
  return dataOf(await api.GET('/notification-channels', { signal }));
}

export const channelsQueryOptions = () => queryOptions({
  queryKey: ['notification-channels', 'list'],
  queryFn: ({ signal }) => getChannels(signal),
});

export function useChannels() {
  return useQuery(channelsQueryOptions());
}
