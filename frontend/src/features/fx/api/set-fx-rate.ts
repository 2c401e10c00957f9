import { mutationOptions, useMutation } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { FxRate } from '@/api/types';
import { formatMonth } from '@/lib/format';
import { notifyError, notifySuccess } from '@/lib/notify';

export interface SetFxRate {
  currency: string;
  /** YYYY-MM */
  month: string;
  /** Units of the currency per 1 unit of the reporting currency, as typed. */
  rate: string;
}

/** PUT /fx-rates/{currency}/{YYYY-MM}: a rate by hand, which wins over imported and bundled ones. */
export async function setFxRate({ currency, month, rate }: SetFxRate): Promise<FxRate> {
  return dataOf(await api.PUT('/fx-rates/{currency}/{month}', {
    params: { path: { currency, month } },
    body: { rate },
  }));
}

export const setFxRateMutationOptions = () => mutationOptions({
  mutationFn: setFxRate,
  onSuccess: (row) => notifySuccess(`${row.currency} ${formatMonth(row.month)}: ${row.rate}`, 'Rate saved'),
  onError: (error) => notifyError(error, 'Rate not saved'),
});

export function useSetFxRate() {
  return useMutation(setFxRateMutationOptions());
}
