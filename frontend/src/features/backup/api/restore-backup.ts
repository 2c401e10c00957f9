import { mutationOptions, useMutation } from '@tanstack/react-query';
import { ApiError, api, dataOf } from '@/api/client';
import type { RestoreReport } from '@/api/types';
import { errorMessage } from '@/lib/notify';

/** POST /restore: a backup file, restored into this (empty) ledger, or refused whole. */
export async function restoreBackup(file: File): Promise<RestoreReport> {
  const form = new FormData();
  form.append('file', file);
  return dataOf(await api.POST('/restore', {
    // openapi-fetch sends a FormData body as it is (multipart, with its boundary).
    body: form as unknown as { file: string },
    bodySerializer: (body) => body as unknown as FormData,
  }));
}

/**
 * Why a restore was refused, in the server's words: a bad file's 422 names the
 * file, row and column in its message already (the `loc` would only repeat it).
 */
export function restoreError(error: unknown): string {
  if (error instanceof ApiError && Array.isArray(error.detail)) {
    const messages = error.detail
      .map((issue: unknown) => (issue && typeof issue === 'object' && 'msg' in issue ? String(issue.msg) : ''))
      .filter(Boolean);
    if (messages.length > 0) return messages.join('; ');
  }
  return errorMessage(error);
}

export const restoreBackupMutationOptions = () => mutationOptions({ mutationFn: restoreBackup });

export function useRestoreBackup() {
  return useMutation(restoreBackupMutationOptions());
}
