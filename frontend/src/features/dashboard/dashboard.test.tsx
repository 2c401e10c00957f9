import { screen, within } from '@testing-library/react';
import dayjs from 'dayjs';
import { apiMock } from '@/testing/api-mock';
import { commitment, plan, summarySeries } from '@/testing/fixtures';
import { mockDashboard } from '@/testing/mock-api';
import { renderApp } from '@/testing/render';
import { latestPerService } from './AlertLists';

describe('DashboardHome', () => {
  it('shows the KPIs from the server totals', async () => {
    mockDashboard();
    renderApp('/');
    const spend = await screen.findByRole('region', { name: 'Spend this month' });
    // 13 months from 1000.00 + 10/month: this month is the 13th -> 1120 + 312.50 + 40.
    expect(await within(spend).findByText('$1,472.50')).toBeInTheDocument();
    const yoy = screen.getByRole('region', { name: 'Year over year' });
    expect(within(yoy).getByText('+8.9%')).toBeInTheDocument();
    expect(within(yoy).getByText(/vs \$1,352\.50 in/)).toBeInTheDocument();
    const seats = screen.getByRole('region', { name: 'Licenses in force' });
    expect(await within(seats).findByText('30')).toBeInTheDocument();
    const low = screen.getByRole('region', { name: 'Low-balance alerts' });
    expect(await within(low).findByText('1')).toBeInTheDocument();

    const [series] = apiMock.requests('GET', '/summary/series');
    expect(series!.query.get('start')).toBe(dayjs().subtract(12, 'month').format('YYYY-MM'));
    expect(series!.query.get('end')).toBe(dayjs().format('YYYY-MM'));
  });

  it('plots 12 months, with the numbers as an accessible table', async () => {
    mockDashboard();
    renderApp('/');
    expect(await screen.findByRole('img', { name: /Monthly spend by category/ })).toBeInTheDocument();
    const table = screen.getByRole('table', { name: 'Monthly spend by category' });
    expect(within(table).getAllByRole('row')).toHaveLength(13);
    const thisMonth = dayjs().format('MMM YYYY');
    const row = within(table).getByRole('row', { name: new RegExp(thisMonth) });
    expect(row).toHaveTextContent('$1,120.00');
    expect(row).toHaveTextContent('$1,472.50');
  });

  it('lists commitments and low balances with links to act on them', async () => {
    mockDashboard();
    renderApp('/');
    const commitments = await screen.findByRole('region', { name: 'Commitments ending soon' });
    const link = await within(commitments).findByRole('link', { name: 'Microsoft 365' });
    expect(link).toHaveAttribute('href', '/licenses?q=Microsoft%20365');
    expect(within(commitments).getByText('20 days')).toBeInTheDocument();
    const low = screen.getByRole('region', { name: 'Low balances' });
    expect(await within(low).findByRole('link', { name: 'OpenAI API' })).toHaveAttribute('href', '/usage?service=3');
    expect(within(low).getByText('$50.00')).toBeInTheDocument();
  });

  it('shows empty, error and unconverted states', async () => {
    const start = dayjs().subtract(12, 'month').format('YYYY-MM');
    const series = summarySeries(start, 13);
    series[12]!.unconverted = [{ currency: 'EUR', amount: '99.00' }];
    apiMock
      .on('GET', '/summary/series', series)
      .on('GET', '/licenses', { detail: 'Database down' }, 503)
      .on('GET', '/alerts/commitments', [])
      .on('GET', '/alerts/low-balance', { detail: 'Database down' }, 503);
    renderApp('/');
    expect(await screen.findByText('No annual commitment ends in the next 90 days.')).toBeInTheDocument();
    expect(await screen.findByText(/€99\.00/)).toBeInTheDocument();
    const errors = await screen.findAllByText('Database down');
    expect(errors.length).toBeGreaterThan(0);
  });

  it('keeps one commitment alert per service, preferring the plan in force', () => {
    const alerts = [
      commitment({ id: 1 }),
      commitment({ id: 2 }),
      commitment({ id: 3, service_id: 9 }),
      commitment({ id: 4, service_id: 9 }),
    ];
    expect(latestPerService(alerts, new Set([1])).map((a) => a.id)).toEqual([1, 4]);
    expect(plan().qty).toBe(25);
  });
});
