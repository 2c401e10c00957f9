import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { NotificationDelivery } from '@/api/types';

/** GET /notification-channels/{id}/deliveries: the latest deliveries, newest first. */
export async function getDeliveries(
  id: number,
  signal?: AbortSignal,
): Promise<NotificationDelivery[]> {
  return dataOf(await api.GET('/notification-channels/{channel_id}/deliveries', {
    params: { path: { channel_id: id }, query: { limit: 50 } }, signal,
  }));
}

export const deliveriesQueryOptions = (id: number) => queryOptions({
  queryKey: ['notification-channels', 'deliveries', id],
  queryFn: ({ signal }) => getDeliveries(id, signal),
});

export function useDeliveries(id: number) {
  return useQuery(deliveriesQueryOptions(id));
}
