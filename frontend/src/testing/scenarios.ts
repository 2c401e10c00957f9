/**
 * Ready-made API answers for whole-page tests, built on the fetch stub in
 * `api-mock.ts` (`listReply` filters, sorts and pages like the server).
 */
import dayjs from 'dayjs';
import type {
  AlertEvent, Balance, Connection, FxRate, LicensePlan, Provider, Service, UsageEvent,
} from '@/api/types';
import { apiMock, listReply } from './api-mock';
import {
  alertEvent, balance, budgetStatus, categories, commitment, forecast, fxInfo, fxRate, lowBalance, overview, providers,
  services, summarySeries, usageEvent,
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

/** The alert inbox answered like the server: filtered by `state` and `kind`, paged, counted. */
export function alertsReply(rows: AlertEvent[]) {
  return listReply(rows, { equals: { state: 'state', kind: 'kind' } });
}

export function mockCatalog() {
  apiMock
    .on('GET', '/categories', categories)
    .on('GET', '/providers', providersReply())
    .on('GET', '/service', servicesReply());
}

/** Balances sorted the server's way for `sort=days_left`: soonest first, not burning last. */
export const runouts: Balance[] = [
  balance({
    service_id: 7, service_name: 'Anthropic', provider_name: 'Anthropic', balance: '0.00', daily_burn: '4.00', days_left: 0, runout_date: dayjs().format('YYYY-MM-DD'),
  }),
  balance({ days_left: 19, runout_date: dayjs().add(19, 'day').format('YYYY-MM-DD') }),
  balance({
    service_id: 8, service_name: 'Idle API', provider_name: 'Idle', daily_burn: '0.00', days_left: null, runout_date: null,
  }),
];

export function mockDashboard() {
  // The same 13 months as the overview fixture; the chart shows the last 12.
  const start = dayjs().subtract(12, 'month').format('YYYY-MM');
  apiMock
    .on('GET', '/summary/overview', overview())
    .on('GET', '/summary/series', summarySeries(start, 13).slice(1))
    .on('GET', '/alerts/commitments', [commitment()])
    .on('GET', '/alerts/low-balance', [lowBalance()])
    .on('GET', '/forecast', forecast())
    // The server sorts by days_left; the stub answers in that order.
    .on('GET', '/usage/balances', runouts)
    .on('GET', '/budgets/status', [budgetStatus()])
    .on('GET', '/alerts', alertsReply([alertEvent()]));
}

export const twilio = balance({
  daily_burn: '2.03',
  days_left: 117,
  runout_date: dayjs().add(117, 'day').format('YYYY-MM-DD'),
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

/** The settings page's exchange-rate card: the reporting currency and a few rates. */
export function mockFxRates(rows: FxRate[] = [fxRate()]) {
  apiMock
    .on('GET', '/fx-rates/info', fxInfo)
    .on('GET', '/fx-rates', listReply(rows, { search: (row) => `${row.currency} ${row.month}` }));
}
