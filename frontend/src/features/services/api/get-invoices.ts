import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiFetchAll } from '@/api/client';
import type { Invoice } from '@/api/types';

export function getInvoices(serviceId: number, signal?: AbortSignal): Promise<Invoice[]> {
  return apiFetchAll<Invoice>('/invoices', { service_id: serviceId }, signal);
}

export const invoicesQueryOptions = (serviceId: number) => queryOptions({
  queryKey: ['invoices', { service_id: serviceId }],
  queryFn: ({ signal }) => getInvoices(serviceId, signal),
});

export function useInvoices(serviceId: number, enabled = true) {
  return useQuery({ ...invoicesQueryOptions(serviceId), enabled });
}
