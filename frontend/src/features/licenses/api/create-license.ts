import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '@/api/client';
import type { LicensePlan, LicensePlanCreate } from '@/api/types';
import { formatMonth } from '@/lib/format';
import { notifyError, notifySuccess } from '@/lib/notify';

/** POST /licenses: a new plan, or a price/qty change (a plan with a later start month). */
export function createLicense(body: LicensePlanCreate): Promise<LicensePlan> {
  return apiFetch<LicensePlan>('/licenses', { method: 'POST', body });
}

export function useCreateLicense() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createLicense,
    onSuccess: (plan) => {
      queryClient.invalidateQueries({ queryKey: ['licenses'] });
      queryClient.invalidateQueries({ queryKey: ['summary'] });
      queryClient.invalidateQueries({ queryKey: ['alerts'] });
      notifySuccess(`${plan.service_name}: ${plan.qty} seat(s) from ${formatMonth(plan.start_month)}`, 'Plan saved');
    },
    onError: (error) => notifyError(error, 'Plan not saved'),
  });
}
