import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, type Page, pageOf } from '@/api/client';
import type { Invoice, ListQuery, SortOf } from '@/api/types';

export type InvoicesQuery = ListQuery<'/invoices'>;
export type InvoiceSort = SortOf<'/invoices'>;

/** GET /invoices: one page of a service's invoices (newest month first by default). */
export async function getInvoices(query: InvoicesQuery, signal?: AbortSignal): Promise<Page<Invoice>> {
  return pageOf(await api.GET('/invoices', { params: { query }, signal }));
}

export const invoicesQueryOptions = (query: InvoicesQuery) => queryOptions({
  queryKey: ['invoices', 'list', query],
  queryFn: ({ signal }) => getInvoices(query, signal),
  placeholderData: keepPreviousData,
});

export function useInvoices(query: InvoicesQuery) {
  return useQuery(invoicesQueryOptions(query));
}
