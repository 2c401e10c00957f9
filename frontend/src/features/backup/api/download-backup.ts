import { api } from '@/api/client';
import { filenameOf, saveBlob } from '@/lib/download';

/**
 * GET /backup: the whole ledger as one zip file, saved as a download. With
 * `secrets`, the connections and notification channels come too (their secrets
 * still encrypted with this deployment's key).
 */
export async function downloadBackup(secrets: boolean): Promise<void> {
  const { data, response } = await api.GET('/backup', {
    params: { query: { secrets } },
    parseAs: 'blob',
  });
  saveBlob(data ?? new Blob([]), filenameOf(response.headers.get('Content-Disposition'), 'costwatch-backup.zip'));
}
