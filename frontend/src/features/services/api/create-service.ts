import { mutationOptions, useMutation } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { Service, ServiceCreate } from '@/api/types';
import { notifyError, notifySuccess } from '@/lib/notify';

/** POST /service. */
export async function createService(body: ServiceCreate): Promise<Service> {
  return dataOf(await api.POST('/service', { body }));
}

export const createServiceMutationOptions = () => mutationOptions({
  mutationFn: createService,
  onSuccess: (service) => notifySuccess(`Service “${service.name}” created`, 'Created'),
  onError: (error) => notifyError(error, 'Service not created'),
});

export function useCreateService() {
  return useMutation(createServiceMutationOptions());
}
