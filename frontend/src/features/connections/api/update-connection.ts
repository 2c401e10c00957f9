import { mutationOptions, useMutation } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { Connection, ConnectionUpdate } from '@/api/types';
import { notifyError, notifySuccess } from '@/lib/notify';

export interface UpdateConnectionInput {
  id: number;
  /** Only what changed; `credentials` only when new ones were typed. */
  changes: ConnectionUpdate;
}

/** PUT /connections/{id}. */
export async function updateConnection({ id, changes }: UpdateConnectionInput): Promise<Connection> {
  return dataOf(await api.PUT('/connections/{connection_id}', {
    params: { path: { connection_id: id } }, body: changes,
  }));
}

export const updateConnectionMutationOptions = () => mutationOptions({
  mutationFn: updateConnection,
  onSuccess: (connection, { changes }) => {
    const keys = Object.keys(changes);
    let message = `Connection “${connection.name}” updated`;
    if (keys.length === 1 && keys[0] === 'enabled') {
      message = `Connection “${connection.name}” ${connection.enabled ? 'enabled' : 'disabled'}`;
    }
    notifySuccess(message);
  },
  onError: (error) => notifyError(error, 'Connection not updated'),
});

export function useUpdateConnection() {
  return useMutation(updateConnectionMutationOptions());
}
