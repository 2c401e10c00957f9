/** Typical API answers for whole-page tests. */
import dayjs from 'dayjs';
import { apiMock } from './api-mock';
import {
  balance, categories, commitment, consumption, lowBalance, plan, providers, services, summarySeries, topup,
} from './fixtures';

export function mockCatalog() {
  apiMock
    .on('GET', '/categories', categories)
    .on('GET', '/providers', providers)
    .on('GET', '/service', services);
}

export function mockDashboard() {
  const start = dayjs().subtract(12, 'month').format('YYYY-MM');
  apiMock
    .on('GET', '/summary/series', summarySeries(start, 13))
    .on('GET', '/licenses', [plan(), plan({
      id: 11, service_id: 4, service_name: 'Adobe CC', provider_name: 'Adobe', qty: 5, annual_commitment_end: null,
    })])
    .on('GET', '/alerts/commitments', [commitment()])
    .on('GET', '/alerts/low-balance', [lowBalance()]);
}

export function mockUsage() {
  apiMock
    .on('GET', '/usage/balances', [balance(), balance({
      service_id: 5, service_name: 'Twilio', provider_name: 'Twilio', balance: '239.20', last_topup_amount: '300.00', threshold_amount: '60.00',
    })])
    .on('GET', '/usage/topups', [topup(), topup({ id: 2, service_id: 5, amount_purchased: '300.00' })])
    .on('GET', '/usage/consumption', [consumption(), consumption({ id: 2, service_id: 5, amount_consumed: '60.80' })])
    .on('GET', '/alerts/low-balance', [lowBalance()]);
}
