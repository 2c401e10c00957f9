import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiFetchAll } from '@/api/client';
import type { Service } from '@/api/types';

export interface ServiceFilters {
  active?: boolean;
  category_id?: number;
  provider_id?: number;
}

export function getServices(filters: ServiceFilters = {}, signal?: AbortSignal): Promise<Service[]> {
  return apiFetchAll<Service>('/service', { ...filters }, signal);
}

export const servicesQueryOptions = (filters: ServiceFilters = {}) => queryOptions({
  queryKey: ['services', filters],
  queryFn: ({ signal }) => getServices(filters, signal),
});

export function useServices(filters: ServiceFilters = {}) {
  return useQuery(servicesQueryOptions(filters));
}
