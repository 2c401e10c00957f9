/**
 * Ready-made API answers for whole-page tests, built on the fetch stub in
 * `api-mock.ts` (`listReply` filters, sorts and pages like the server).
 */
import dayjs from 'dayjs';
import type {
  Balance, Connection, LicensePlan, Provider, Service, UsageEvent,
} from '@/api/types';
import { apiMock, listReply } from './api-mock';
import {
  balance, categories, commitment, lowBalance, overview, providers, services, summarySeries, usageEvent,
} from './fixtures';

export function servicesReply(rows: Service[] = services) {
  return listReply(rows, {
    search: (row) => row.name,
    equals: { provider_id: 'provider_id', category_id: 'category_id', active: 'active' },
  });
}

export function providersReply(rows: Provider[] = providers) {
  return listReply(rows, { search: (row) => row.name });
}

export function licensesReply(rows: LicensePlan[]) {
  return listReply(rows, {
    search: (row) => row.service_name,
    equals: { service_id: 'service_id' },
  });
}

export function eventsReply(rows: UsageEvent[]) {
  return listReply(rows, { equals: { service_id: 'service_id' }, sortFields: { date: 'day' } });
}

export function mockCatalog() {
  apiMock
    .on('GET', '/categories', categories)
    .on('GET', '/providers', providersReply())
    .on('GET', '/service', servicesReply());
}

export function mockDashboard() {
  // The same 13 months as the overview fixture; the chart shows the last 12.
  const start = dayjs().subtract(12, 'month').format('YYYY-MM');
  apiMock
    .on('GET', '/summary/overview', overview())
    .on('GET', '/summary/series', summarySeries(start, 13).slice(1))
    .on('GET', '/alerts/commitments', [commitment()])
    .on('GET', '/alerts/low-balance', [lowBalance()]);
}

export const twilio = balance({
  service_id: 5,
  service_name: 'Twilio',
  provider_name: 'Twilio',
  balance: '239.20',
  total_consumed: '60.80',
  total_topups: '300.00',
  last_topup_amount: '300.00',
  threshold_amount: '60.00',
  low_balance: false,
});

export const usageEvents: UsageEvent[] = [
  usageEvent(),
  usageEvent({
    kind: 'consumption', id: 1, day: '2025-06-15', amount: '450.00',
  }),
  usageEvent({ id: 2, service_id: 5, amount: '300.00' }),
  usageEvent({
    kind: 'consumption', id: 2, service_id: 5, day: '2025-06-15', amount: '60.80',
  }),
];

/** Usage balances (also one by one) and events, answered like the server. */
export function mockUsage(balances: Balance[] = [balance(), twilio], connections: Connection[] = []) {
  apiMock
    .on('GET', '/connections', connections)
    .on('GET', '/usage/balances', listReply(balances, { search: (row) => row.service_name }))
    .on('GET', '/usage/events', eventsReply(usageEvents));
  balances.forEach((row) => apiMock.on('GET', `/usage/balances/${row.service_id}`, row));
}
