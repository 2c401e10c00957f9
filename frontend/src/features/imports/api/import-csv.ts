/**
 * POST /imports/{kind}: upload a CSV file (multipart `file`) for a dry run or a
 * commit. A commit refused for bad rows (422 with the report) resolves with the
 * report; any other failure rejects with an ApiError.
 */
import type { paths } from '@/api/generated/schema';
import type { ImportReport } from '@/api/types';
import { type UploadOptions, uploadFile } from './upload';

type ImportPath = Extract<keyof paths, `/imports/${string}`>;
/** The record types a CSV file can hold: invoices, licenses, topups, consumption. */
export type ImportKind = Exclude<
  Exclude<ImportPath, `${string}/template`> extends `/imports/${infer K}` ? K : never,
  'focus' | 'fx-rates'
>;

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

export interface ImportOptions extends UploadOptions {
  kind: ImportKind;
  file: File;
  dryRun: boolean;
}

export function importCsv({
  kind, file, dryRun, ...options
}: ImportOptions): Promise<ImportResult> {
  return uploadFile<ImportResult>(`/imports/${kind}?dry_run=${dryRun}`, file, (body) => 'errors' in body, options);
}
