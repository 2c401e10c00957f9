import { screen, waitFor, within } from '@testing-library/react';
import dayjs from 'dayjs';
import { apiMock } from '@/testing/api-mock';
import { forecast, overview, summarySeries } from '@/testing/fixtures';
import { mockDashboard } from '@/testing/scenarios';
import { renderApp } from '@/testing/render';

describe('Dashboard', () => {
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
    expect(within(low).getByText('Usage services under 20 % of their last top-up')).toBeInTheDocument();

    // The KPIs come from one overview call; the chart asks for its 12 months only.
    expect(apiMock.requests('GET', '/summary/overview')).toHaveLength(1);
    const [series] = apiMock.requests('GET', '/summary/series');
    expect(series!.query.get('start')).toBe(dayjs().subtract(11, 'month').format('YYYY-MM'));
    expect(series!.query.get('end')).toBe(dayjs().format('YYYY-MM'));
    expect(apiMock.requests('GET', '/licenses')).toHaveLength(0);
  });

  it('shows a fall as good news, and no percent without last year', async () => {
    mockDashboard();
    apiMock.on('GET', '/summary/overview', overview({ change_percent: '-4.0', low_balance_percent: '15' }));
    renderApp('/');
    const yoy = await screen.findByRole('region', { name: 'Year over year' });
    expect(await within(yoy).findByText('-4.0%')).toBeInTheDocument();
    expect(screen.getByText('Usage services under 15 % of their last top-up')).toBeInTheDocument();
  });

  it('says when last year has no spend to compare with', async () => {
    mockDashboard();
    apiMock.on('GET', '/summary/overview', overview({ change_percent: null, low_balance_count: 0 }));
    renderApp('/');
    expect(await screen.findByText('No data for last year')).toBeInTheDocument();
    const low = screen.getByRole('region', { name: 'Low-balance alerts' });
    expect(within(low).getByText('0')).toBeInTheDocument();
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

  it('lists commitments (one per service, chosen by the server) and low balances', async () => {
    mockDashboard();
    renderApp('/');
    const commitments = await screen.findByRole('region', { name: 'Commitments ending soon' });
    const link = await within(commitments).findByRole('link', { name: 'Microsoft 365' });
    expect(link).toHaveAttribute('href', '/licenses?q=Microsoft%20365');
    expect(within(commitments).getByText('20 days')).toBeInTheDocument();
    expect(apiMock.requests('GET', '/alerts/commitments')[0]!.query.get('one_per_service')).toBe('true');
    const low = screen.getByRole('region', { name: 'Low balances' });
    expect(await within(low).findByRole('link', { name: 'OpenAI API' })).toHaveAttribute('href', '/usage?service=3');
    expect(within(low).getByText('$50.00')).toBeInTheDocument();
    expect(within(low).getByText(/Threshold \(20 %\)/)).toBeInTheDocument();
    // The server's threshold applies: the browser sends none.
    expect(apiMock.requests('GET', '/alerts/low-balance')[0]!.query.has('threshold_percent')).toBe(false);
  });

  it('shows empty, error and unconverted states', async () => {
    const start = dayjs().subtract(11, 'month').format('YYYY-MM');
    const series = summarySeries(start, 12);
    series[11]!.unconverted = [{ currency: 'EUR', amount: '99.00' }];
    apiMock
      .on('GET', '/summary/series', series)
      .on('GET', '/summary/overview', { detail: 'Database down' }, 503)
      .on('GET', '/alerts/commitments', [])
      .on('GET', '/alerts/low-balance', { detail: 'Database down' }, 503)
      .on('GET', '/forecast', { detail: 'Database down' }, 503)
      .on('GET', '/usage/balances', [])
      .on('GET', '/budgets/status', []);
    renderApp('/');
    expect(await screen.findByText('No prepaid service consumed anything in the last 30 days.')).toBeInTheDocument();
    expect(await screen.findByText('No annual commitment ends in the next 90 days.')).toBeInTheDocument();
    expect(await screen.findByText(/€99\.00/)).toBeInTheDocument();
    const errors = await screen.findAllByText('Database down');
    expect(errors.length).toBeGreaterThan(1);
  });

  it('shows this month\'s actual and forecast, and the forecast as a lighter bar part', async () => {
    mockDashboard();
    renderApp('/');
    const spend = await screen.findByRole('region', { name: 'Spend this month' });
    expect(await within(spend).findByText('$1,472.50')).toBeInTheDocument();
    expect(await within(spend).findByText('Forecast $1,600.00')).toBeInTheDocument();
    // The accessible table has the forecast of this month only.
    const table = screen.getByRole('table', { name: 'Monthly spend by category' });
    expect(await within(table).findByRole('columnheader', { name: 'Forecast' })).toBeInTheDocument();
    const row = within(table).getByRole('row', { name: new RegExp(dayjs().format('MMM YYYY')) });
    expect(row).toHaveTextContent('$1,600.00');
    // Each category with its method, as the server named it.
    const methods = screen.getByRole('list', { name: 'This month\'s forecast by category' });
    expect(within(methods).getByText(/\$40\.00 so far → \$87\.50 \(run rate 30 days\)/)).toBeInTheDocument();
    expect(within(methods).getByText(/\(invoice \+ trailing 3-month average\)/)).toBeInTheDocument();
    expect(apiMock.requests('GET', '/forecast')[0]!.query.toString()).toBe('view=accrual');
  });

  it('leaves a forecast of another month off the chart', async () => {
    mockDashboard();
    apiMock.on('GET', '/forecast', forecast({ year: 2001, month: 1 }));
    renderApp('/');
    const table = await screen.findByRole('table', { name: 'Monthly spend by category' });
    expect(await screen.findAllByText(/so far →/)).toHaveLength(3);
    expect(within(table).queryByRole('columnheader', { name: 'Forecast' })).not.toBeInTheDocument();
  });

  it('lists the soonest run-outs in words, as the server sorted them', async () => {
    mockDashboard();
    renderApp('/');
    const card = await screen.findByRole('region', { name: 'Prepaid runway' });
    const links = await within(card).findAllByRole('link');
    expect(links.map((link) => link.textContent)).toEqual([
      'Anthropic is out of funds',
      `OpenAI API runs out on ${dayjs().add(19, 'day').format(
        dayjs().add(19, 'day').year() === dayjs().year() ? 'D MMM' : 'D MMM YYYY',
      )}, in 19 days`,
    ]);
    expect(links[1]).toHaveAttribute('href', '/usage?service=3');
    expect(within(card).getByText('in 19 days')).toBeInTheDocument();
    expect(within(card).queryByText(/Idle API/)).not.toBeInTheDocument();
    const [request] = apiMock.requests('GET', '/usage/balances');
    expect(request!.query.get('sort')).toBe('days_left');
    expect(request!.query.get('limit')).toBe('5');
  });

  it('says when no usage service is low, with the server threshold', async () => {
    mockDashboard();
    apiMock.on('GET', '/alerts/low-balance', []);
    renderApp('/');
    expect(await screen.findByText('Every usage service is above 20 % of its last top-up.')).toBeInTheDocument();
  });

  it('follows the accrual/cash toggle in the KPIs and the chart', async () => {
    mockDashboard();
    const { user } = renderApp('/');
    await screen.findByRole('img', { name: /Monthly spend by category/ });
    expect(apiMock.requests('GET', '/summary/overview')[0]!.query.get('view')).toBe('accrual');
    await user.click(screen.getByRole('radio', { name: 'Cash' }));
    await waitFor(() => expect(apiMock.requests('GET', '/summary/series').at(-1)!.query.get('view')).toBe('cash'));
    expect(apiMock.requests('GET', '/summary/overview').at(-1)!.query.get('view')).toBe('cash');
    const spend = screen.getByRole('region', { name: 'Spend this month' });
    expect(await within(spend).findByText(/· cash view/)).toBeInTheDocument();
    expect(screen.getByText(/· USD · cash view/)).toBeInTheDocument();
  });

  it('shows each currency of this month with its rate and converted amount', async () => {
    mockDashboard();
    const start = dayjs().subtract(11, 'month').format('YYYY-MM');
    const series = summarySeries(start, 12);
    series[11]!.by_currency = [
      {
        currency: 'EUR', amount: '90.00', rate: '0.9000000000', converted: '100.00',
      },
      {
        currency: 'USD', amount: '1352.50', rate: '1.0000000000', converted: '1352.50',
      },
    ];
    apiMock.on('GET', '/summary/series', series);
    renderApp('/');
    const table = await screen.findByRole('table', { name: /Spend by currency/ });
    const eur = within(table).getByRole('row', { name: /EUR/ });
    expect(eur).toHaveTextContent('€90.00');
    expect(eur).toHaveTextContent('0.9000000000');
    expect(eur).toHaveTextContent('$100.00');
  });
});
