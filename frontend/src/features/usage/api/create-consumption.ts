import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '@/api/client';
import type { Consumption, ConsumptionCreate } from '@/api/types';
import { notifyError, notifySuccess } from '@/lib/notify';

export function createConsumption(body: ConsumptionCreate): Promise<Consumption> {
  return apiFetch<Consumption>('/usage/consumption', { method: 'POST', body });
}

/** Consumption lowers the balance and counts as Usage spend in the month's summary. */
export function useCreateConsumption() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createConsumption,
    onSuccess: (event) => {
      queryClient.invalidateQueries({ queryKey: ['usage'] });
      queryClient.invalidateQueries({ queryKey: ['alerts'] });
      queryClient.invalidateQueries({ queryKey: ['summary'] });
      notifySuccess(`Consumption on ${event.consumption_date} recorded`, 'Consumption recorded');
    },
    onError: (error) => notifyError(error, 'Consumption not recorded'),
  });
}
