import { mutationOptions, useMutation } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { Consumption, ConsumptionCreate } from '@/api/types';
import { notifyError, notifySuccess } from '@/lib/notify';

/** POST /usage/consumption: lowers the balance and counts as Usage spend in the month's summary. */
export async function createConsumption(body: ConsumptionCreate): Promise<Consumption> {
  return dataOf(await api.POST('/usage/consumption', { body }));
}

export const createConsumptionMutationOptions = () => mutationOptions({
  mutationFn: createConsumption,
  onSuccess: (event) => notifySuccess(`Consumption on ${event.consumption_date} recorded`, 'Consumption recorded'),
  onError: (error) => notifyError(error, 'Consumption not recorded'),
});

export function useCreateConsumption() {
  return useMutation(createConsumptionMutationOptions());
}
