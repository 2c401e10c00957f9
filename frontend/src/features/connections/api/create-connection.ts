import { mutationOptions, useMutation } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { Connection, ConnectionCreate } from '@/api/types';
import { notifyError, notifySuccess } from '@/lib/notify';

/** POST /connections: the credentials are encrypted by the server and never come back. */
export async function createConnection(body: ConnectionCreate): Promise<Connection> {
  return dataOf(await api.POST('/connections', { body }));
}

export const createConnectionMutationOptions = () => mutationOptions({
  mutationFn: createConnection,
  onSuccess: (connection) => notifySuccess(
    `Connection “${connection.name}” added. Use “Sync now” to import its costs, or wait for the schedule.`,
    'Connection added',
  ),
  onError: (error) => notifyError(error, 'Connection not added'),
});

export function useCreateConnection() {
  return useMutation(createConnectionMutationOptions());
}
