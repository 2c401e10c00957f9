/**
 * POST /imports/focus: a FOCUS billing export (CSV, CSV.gz or Parquet), previewed
 * (`dryRun`) or stored as one invoice per service and month. A commit refused
 * for groups in conflict (422 with the preview) resolves with the preview.
 */
import type { FocusGroup, FocusReport } from '@/api/types';
import { type UploadOptions, uploadFile } from './upload';

export type FocusCost = FocusReport['cost'];
export type FocusGroupBy = FocusReport['group_by'];
export type FocusAction = FocusGroup['action'];

export const GROUP_BY_OPTIONS: { value: FocusGroupBy; label: string }[] = [
  { value: 'service', label: 'Service' },
  { value: 'sub_account', label: 'Sub-account' },
  { value: 'provider', label: 'Provider' },
];

export const COST_OPTIONS: { value: FocusCost; label: string }[] = [
  { value: 'billed', label: 'Billed cost' },
  { value: 'effective', label: 'Effective cost' },
];

export interface FocusResult extends FocusReport {
  /** Set when a commit was refused: nothing was stored. */
  detail?: string;
}

export interface FocusOptions extends UploadOptions {
  file: File;
  dryRun: boolean;
  cost: FocusCost;
  groupBy: FocusGroupBy;
}

export function importFocus({
  file, dryRun, cost, groupBy, ...options
}: FocusOptions): Promise<FocusResult> {
  const query = new URLSearchParams({ dry_run: String(dryRun), cost, group_by: groupBy });
  // The file as the body: a multi-gigabyte bill is summed while it arrives, and a
  // multipart form would only add parsing on the server's side.
  return uploadFile<FocusResult>(
    `/imports/focus?${query}`,
    file,
    (body) => 'groups' in body,
    { ...options, asBody: true },
  );
}
