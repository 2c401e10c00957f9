import { mutationOptions, useMutation } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { Service, ServiceUpdate } from '@/api/types';
import { notifyError, notifySuccess } from '@/lib/notify';

export interface UpdateServiceInput {
  id: number;
  changes: ServiceUpdate;
}

/** PUT /service/{id} with only the fields that changed. */
export async function updateService({ id, changes }: UpdateServiceInput): Promise<Service> {
  return dataOf(await api.PUT('/service/{service_id}', { params: { path: { service_id: id } }, body: changes }));
}

export const updateServiceMutationOptions = () => mutationOptions({
  mutationFn: updateService,
  onSuccess: (service, { changes }) => {
    const keys = Object.keys(changes);
    let message = `Service “${service.name}” updated`;
    if (keys.length === 1 && keys[0] === 'active') {
      message = `Service “${service.name}” ${service.active ? 'activated' : 'deactivated'}`;
    }
    notifySuccess(message);
  },
  onError: (error) => notifyError(error, 'Service not updated'),
});

export function useUpdateService() {
  return useMutation(updateServiceMutationOptions());
}
