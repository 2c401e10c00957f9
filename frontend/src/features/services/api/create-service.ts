import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '@/api/client';
import type { Service, ServiceCreate } from '@/api/types';
import { notifyError, notifySuccess } from '@/lib/notify';

export function createService(body: ServiceCreate): Promise<Service> {
  return apiFetch<Service>('/service', { method: 'POST', body });
}

export function useCreateService() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createService,
    onSuccess: (service) => {
      queryClient.invalidateQueries({ queryKey: ['services'] });
      queryClient.invalidateQueries({ queryKey: ['usage'] });
      notifySuccess(`Service “${service.name}” created`, 'Created');
    },
    onError: (error) => notifyError(error, 'Service not created'),
  });
}
