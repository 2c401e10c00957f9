import { mutationOptions, useMutation } from '@tanstack/react-query';
import { api } from '@/api/client';
import { notifyError, notifySuccess } from '@/lib/notify';

export interface FxRateKey {
  currency: string;
  /** YYYY-MM */
  month: string;
}

/** DELETE /fx-rates/{currency}/{YYYY-MM}: the month falls back to the bundled rate, if any. */
export async function deleteFxRate({ currency, month }: FxRateKey): Promise<void> {
  await api.DELETE('/fx-rates/{currency}/{month}', { params: { path: { currency, month } } });
}

export const deleteFxRateMutationOptions = () => mutationOptions({
  mutationFn: deleteFxRate,
  onSuccess: () => notifySuccess('The month uses the bundled rate again, if there is one', 'Rate removed'),
  onError: (error) => notifyError(error, 'Rate not removed'),
});

export function useDeleteFxRate() {
  return useMutation(deleteFxRateMutationOptions());
}
