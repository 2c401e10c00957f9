import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, type Page, pageOf } from '@/api/client';
import type { AuditEntry, ListQuery } from '@/api/types';

export type AuditQuery = ListQuery<'/audit'>;

/** GET /audit: one page of the audit log, newest first. */
export async function getAudit(query: AuditQuery, signal?: AbortSignal): Promise<Page<AuditEntry>> {
  return pageOf(await api.GET('/audit', { params: { query }, signal }));
}

export const auditQueryOptions = (query: AuditQuery) => queryOptions({
  queryKey: ['audit', 'list', query],
  queryFn: ({ signal }) => getAudit(query, signal),
  placeholderData: keepPreviousData,
});

export function useAudit(query: AuditQuery) {
  return useQuery(auditQueryOptions(query));
}
