import { screen, waitFor, within } from '@testing-library/react';
import dayjs from 'dayjs';
import type { DailyUsage, SpendByService } from '@/api/types';
import { apiMock } from '@/testing/api-mock';
import { renderApp } from '@/testing/render';

function byService(overrides: Partial<SpendByService> = {}): SpendByService {
  const today = dayjs();
  return {
    year: today.year(),
    month: today.month() + 1,
    currency: 'USD',
    total: '1540.35',
    services: [
      {
        service_id: 1, service_name: 'AWS', provider_name: 'Amazon', category_id: 1, category: 'Infrastructure', code: 'infrastructure', currency: 'USD', amount: '1000.10',
      },
      {
        service_id: 2, service_name: 'Microsoft 365', provider_name: 'Microsoft', category_id: 2, category: 'User License', code: 'license', currency: 'USD', amount: '500.00',
      },
      {
        service_id: 3, service_name: 'OpenAI', provider_name: 'OpenAI', category_id: 3, category: 'Usage', code: 'usage', currency: 'USD', amount: '40.25',
      },
    ],
    unconverted: [
      {
        service_id: 4, service_name: 'Hetzner', provider_name: 'Hetzner', category_id: 1, category: 'Infrastructure', code: 'infrastructure', currency: 'EUR', amount: '80.00',
      },
    ],
    ...overrides,
  };
}

function daily(): DailyUsage {
  const end = dayjs();
  const days = Array.from({ length: 30 }, (_, i) => ({
    day: end.subtract(29 - i, 'day').format('YYYY-MM-DD'),
    amount: i === 29 ? '12.34' : '0.00',
  }));
  return {
    currency: 'USD', start: days[0]!.day, end: end.format('YYYY-MM-DD'), total: '12.34', days, unconverted: [],
  };
}

describe('Analytics', () => {
  it('shows the cost by service of this month and the daily usage of 30 days', async () => {
    apiMock.on('GET', '/summary/by-service', byService()).on('GET', '/usage/daily', daily());
    renderApp('/analytics');
    expect(await screen.findByRole('heading', { name: 'Analytics', level: 1 })).toBeInTheDocument();
    const services = await screen.findByRole('table', { name: 'Cost by service' });
    expect(within(services).getAllByRole('row')).toHaveLength(4);
    expect(within(services).getByRole('row', { name: /AWS/ })).toHaveTextContent('$1,000.10');
    expect(screen.getByText(/Total \$1,540\.35 · left out \(no exchange rate\): Hetzner €80\.00/)).toBeInTheDocument();
    const days = await screen.findByRole('table', { name: 'Daily usage cost' });
    expect(within(days).getAllByRole('row')).toHaveLength(31);
    expect(within(days).getByRole('row', { name: new RegExp(dayjs().format('D MMM')) })).toHaveTextContent('$12.34');
    const [request] = apiMock.requests('GET', '/summary/by-service');
    expect(request!.query.get('year')).toBe(String(dayjs().year()));
    expect(request!.query.get('month')).toBe(String(dayjs().month() + 1));
    expect(apiMock.requests('GET', '/usage/daily')[0]!.query.get('days')).toBe('30');
  });

  it('asks the server for another month', async () => {
    apiMock.on('GET', '/summary/by-service', byService()).on('GET', '/usage/daily', daily());
    const { user } = renderApp('/analytics');
    await screen.findByRole('table', { name: 'Cost by service' });
    const previous = dayjs().subtract(1, 'month');
    apiMock.on('GET', '/summary/by-service', byService({ services: [], unconverted: [], total: '0.00' }));
    await user.click(screen.getByRole('textbox', { name: 'Month' }));
    await user.click(await screen.findByRole('option', { name: previous.format('MMM YYYY') }));
    expect(await screen.findByText('No spend recorded in this month.')).toBeInTheDocument();
    await waitFor(() => expect(apiMock.requests('GET', '/summary/by-service').at(-1)!.query.get('month'))
      .toBe(String(previous.month() + 1)));
  });

  it('shows errors', async () => {
    apiMock
      .on('GET', '/summary/by-service', { detail: 'Database down' }, 503)
      .on('GET', '/usage/daily', { detail: 'Database down' }, 503);
    renderApp('/analytics');
    // 503 is retried once; then each card shows its error.
    await waitFor(() => expect(screen.getAllByText('Database down')).toHaveLength(2), { timeout: 5000 });
  });
});
