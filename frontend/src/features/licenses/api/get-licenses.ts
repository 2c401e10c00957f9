import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, type Page, pageOf } from '@/api/client';
import type { LicensePlan, ListQuery, SortOf } from '@/api/types';

/**
 * `active`: true for the plan in force this month per service, false for all
 * others, absent for every plan; `q` matches the service's name.
 */
export type LicensesQuery = ListQuery<'/licenses'>;
export type LicenseSort = SortOf<'/licenses'>;

/** GET /licenses: one page of license plans, filtered and sorted by the server. */
export async function getLicenses(query: LicensesQuery, signal?: AbortSignal): Promise<Page<LicensePlan>> {
  return pageOf(await api.GET('/licenses', { params: { query }, signal }));
}

export const licensesQueryOptions = (query: LicensesQuery) => queryOptions({
  queryKey: ['licenses', 'list', query],
  queryFn: ({ signal }) => getLicenses(query, signal),
  placeholderData: keepPreviousData,
});

export function useLicenses(query: LicensesQuery, { enabled = true } = {}) {
  return useQuery({ ...licensesQueryOptions(query), enabled });
}

/** A service's latest plan (by start month), to start a new plan after it; one row. */
export const latestPlanQueryOptions = (serviceId: number) => licensesQueryOptions({
  service_id: serviceId, sort: '-start_month', limit: 1,
});

export function useLatestPlan(serviceId: number | null) {
  return useQuery({
    ...latestPlanQueryOptions(serviceId ?? 0),
    enabled: serviceId !== null && serviceId > 0,
    placeholderData: undefined,
    select: (page) => page.rows[0] ?? null,
  });
}

/** The plan in force this month for a service, if any. */
export const planInForceQueryOptions = (serviceId: number) => licensesQueryOptions({
  service_id: serviceId, active: true, limit: 1,
});

export function usePlanInForce(serviceId: number) {
  return useQuery({ ...planInForceQueryOptions(serviceId), select: (page) => page.rows[0] ?? null });
}
