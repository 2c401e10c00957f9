import { mutationOptions, useMutation } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { SyncResult } from '@/api/types';
import { formatDate } from '@/lib/format';
import { notifyError, notifySuccess } from '@/lib/notify';

export interface SyncConnectionInput {
  id: number;
  name: string;
}

/** POST /connections/{id}/sync: fetch the provider's daily costs now (a 502 says why the provider failed). */
export async function syncConnection({ id }: SyncConnectionInput): Promise<SyncResult> {
  return dataOf(await api.POST('/connections/{connection_id}/sync', { params: { path: { connection_id: id } } }));
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** "31 days from the provider: 5 new, 2 updated, 24 unchanged (through 2026-11-30)." */
export function describeSync(result: SyncResult): string {
  const through = result.through ? ` (through ${formatDate(result.through)})` : '';
  return `${plural(result.days, 'day')} from the provider: ${result.created} new, ${result.updated} updated, `
    + `${result.unchanged} unchanged${through}.`;
}

export const syncConnectionMutationOptions = () => mutationOptions({
  mutationFn: syncConnection,
  onSuccess: (result, { name }) => notifySuccess(describeSync(result), `“${name}” synced`),
  onError: (error, { name }, _result, context) => {
    notifyError(error, `“${name}” did not sync`);
    // A failed sync is recorded too (status, error, run): show it.
    return context.client.invalidateQueries({ queryKey: ['connections'] });
  },
});

export function useSyncConnection() {
  return useMutation(syncConnectionMutationOptions());
}
