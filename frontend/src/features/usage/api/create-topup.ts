import { mutationOptions, useMutation } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { Topup, TopupCreate } from '@/api/types';
import { formatMoney } from '@/lib/format';
import { notifyError, notifySuccess } from '@/lib/notify';

/** POST /usage/topups. */
export async function createTopup(body: TopupCreate): Promise<Topup> {
  return dataOf(await api.POST('/usage/topups', { body }));
}

export const createTopupMutationOptions = () => mutationOptions({
  mutationFn: createTopup,
  onSuccess: (topup) => notifySuccess(`Top-up of ${formatMoney(topup.amount_purchased, topup.currency)} recorded`, 'Top-up recorded'),
  onError: (error) => notifyError(error, 'Top-up not recorded'),
});

export function useCreateTopup() {
  return useMutation(createTopupMutationOptions());
}
