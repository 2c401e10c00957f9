import { api } from '@/api/client';
import { filenameOf, saveBlob } from '@/lib/download';
import type { ImportKind } from './import-csv';

/** GET /imports/{kind}/template: the CSV header and an example row, saved as a file. */
export async function downloadTemplate(kind: ImportKind): Promise<void> {
  const { data, response } = await api.GET(`/imports/${kind}/template` as '/imports/invoices/template', {
    parseAs: 'blob',
  });
  saveBlob(data ?? new Blob([]), filenameOf(response.headers.get('Content-Disposition'), `${kind}-template.csv`));
}
