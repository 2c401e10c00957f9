/**
 * POST /imports/{kind}: upload a CSV file (multipart `file`) for a dry run or a
 * commit. XMLHttpRequest rather than fetch: it reports the upload's progress.
 * A commit refused for bad rows (422 with the report) resolves with the report;
 * any other failure rejects with an ApiError, as the typed client does.
 */
import { API_BASE, ApiError, formatDetail } from '@/api/client';
import type { paths } from '@/api/generated/schema';
import type { ImportRefused, ImportReport } from '@/api/types';
import { clearToken, getToken } from '@/lib/auth-token';

type ImportPath = Extract<keyof paths, `/imports/${string}`>;
/** The record types a CSV file can hold: invoices, licenses, topups, consumption. */
export type ImportKind = Exclude<ImportPath, `${string}/template`> extends `/imports/${infer K}` ? K : never;

export const IMPORT_KINDS: { value: ImportKind; label: string }[] = [
  { value: 'invoices', label: 'Invoices' },
  { value: 'licenses', label: 'License plans' },
  { value: 'topups', label: 'Top-ups' },
  { value: 'consumption', label: 'Consumption' },
];

export interface ImportResult extends ImportReport {
  /** Set when a commit was refused: nothing was stored. */
  detail?: string;
}

export interface ImportOptions {
  kind: ImportKind;
  file: File;
  dryRun: boolean;
  /** Called with the share of the file sent, 0 to 1. */
  onProgress?: (share: number) => void;
  signal?: AbortSignal;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function importCsv({
  kind, file, dryRun, onProgress, signal,
}: ImportOptions): Promise<ImportResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${API_BASE}/imports/${kind}?dry_run=${dryRun}`);
    const token = getToken();
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      const body = parse(xhr.responseText);
      if (xhr.status === 200) {
        resolve(body as ImportReport);
        return;
      }
      if (xhr.status === 422 && body && typeof body === 'object' && 'errors' in body) {
        resolve(body as ImportRefused);
        return;
      }
      if (xhr.status === 401) clearToken('expired');
      const detail = body && typeof body === 'object' && 'detail' in body ? body.detail : body;
      reject(new ApiError(xhr.status, formatDetail(detail, `Upload failed (${xhr.status})`), detail));
    };
    xhr.onerror = () => reject(new ApiError(0, 'Cannot reach the server. Check your connection and try again.'));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort());
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}
