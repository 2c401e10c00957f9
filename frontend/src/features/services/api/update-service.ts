import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '@/api/client';
import type { Service, ServiceUpdate } from '@/api/types';
import { notifyError, notifySuccess } from '@/lib/notify';

export interface UpdateServiceInput {
  id: number;
  changes: ServiceUpdate;
}

export function updateService({ id, changes }: UpdateServiceInput): Promise<Service> {
  return apiFetch<Service>(`/service/${id}`, { method: 'PUT', body: changes });
}

/** Names and activity show up in licenses, usage and alerts too: refresh them all. */
export function useUpdateService() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateService,
    onSuccess: (service, { changes }) => {
      queryClient.invalidateQueries({ queryKey: ['services'] });
      queryClient.invalidateQueries({ queryKey: ['licenses'] });
      queryClient.invalidateQueries({ queryKey: ['usage'] });
      queryClient.invalidateQueries({ queryKey: ['alerts'] });
      const keys = Object.keys(changes);
      let message = `Service “${service.name}” updated`;
      if (keys.length === 1 && keys[0] === 'active') {
        message = `Service “${service.name}” ${service.active ? 'activated' : 'deactivated'}`;
      }
      notifySuccess(message);
    },
    onError: (error) => notifyError(error, 'Service not updated'),
  });
}
