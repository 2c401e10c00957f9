import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '@/api/client';
import type { Topup, TopupCreate } from '@/api/types';
import { formatMoney } from '@/lib/format';
import { notifyError, notifySuccess } from '@/lib/notify';

export function createTopup(body: TopupCreate): Promise<Topup> {
  return apiFetch<Topup>('/usage/topups', { method: 'POST', body });
}

export function useCreateTopup() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createTopup,
    onSuccess: (topup) => {
      queryClient.invalidateQueries({ queryKey: ['usage'] });
      queryClient.invalidateQueries({ queryKey: ['alerts'] });
      notifySuccess(`Top-up of ${formatMoney(topup.amount_purchased, topup.currency)} recorded`, 'Top-up recorded');
    },
    onError: (error) => notifyError(error, 'Top-up not recorded'),
  });
}
