import { mutationOptions, useMutation } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { LicensePlan, LicensePlanCreate } from '@/api/types';
import { formatMonth } from '@/lib/format';
import { notifyError, notifySuccess } from '@/lib/notify';

/** POST /licenses: a new plan, or a price/qty change (a plan with a later start month). */
export async function createLicense(body: LicensePlanCreate): Promise<LicensePlan> {
  return dataOf(await api.POST('/licenses', { body }));
}

export const createLicenseMutationOptions = () => mutationOptions({
  mutationFn: createLicense,
  onSuccess: (plan) => notifySuccess(`${plan.service_name}: ${plan.qty} seat(s) from ${formatMonth(plan.start_month)}`, 'Plan saved'),
  onError: (error) => notifyError(error, 'Plan not saved'),
});

export function useCreateLicense() {
  return useMutation(createLicenseMutationOptions());
}
