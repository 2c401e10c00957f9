import { mutationOptions, useMutation } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { FxImportResult } from '@/api/types';
import { notifyError, notifySuccess } from '@/lib/notify';

/** POST /imports/fx-rates: an ECB-layout CSV (rates per EUR), stored as monthly averages. */
export async function importFxRates(file: File): Promise<FxImportResult> {
  const form = new FormData();
  form.append('file', file);
  return dataOf(await api.POST('/imports/fx-rates', {
    // openapi-fetch sends a FormData body as it is (multipart, with its boundary).
    body: form as unknown as { file: string },
    bodySerializer: (body) => body as unknown as FormData,
  }));
}

export const importFxRatesMutationOptions = () => mutationOptions({
  mutationFn: importFxRates,
  onSuccess: (result) => notifySuccess(
    `${result.imported} monthly rate(s) from ${result.days} day(s)${
      result.kept_manual ? `; ${result.kept_manual} entered by hand kept` : ''}`,
    'Rates imported',
  ),
  onError: (error) => notifyError(error, 'Rates not imported'),
});

export function useImportFxRates() {
  return useMutation(importFxRatesMutationOptions());
}
