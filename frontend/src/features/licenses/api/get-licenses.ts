import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiFetchAll } from '@/api/client';
import type { LicensePlan } from '@/api/types';

export interface LicenseFilters {
  /** true: the plan in force this month per service; false: all others; undefined: every plan. */
  active?: boolean;
  service_id?: number;
}

export function getLicenses(filters: LicenseFilters = {}, signal?: AbortSignal): Promise<LicensePlan[]> {
  return apiFetchAll<LicensePlan>('/licenses', { ...filters }, signal);
}

export const licensesQueryOptions = (filters: LicenseFilters = {}) => queryOptions({
  queryKey: ['licenses', filters],
  queryFn: ({ signal }) => getLicenses(filters, signal),
});

export function useLicenses(filters: LicenseFilters = {}, enabled = true) {
  return useQuery({ ...licensesQueryOptions(filters), enabled });
}
