import { screen, waitFor, within } from '@testing-library/react';
import dayjs from 'dayjs';
import { apiMock } from '@/testing/api-mock';
import { plan } from '@/testing/fixtures';
import { licensesReply, mockCatalog } from '@/testing/scenarios';
import { renderApp } from '@/testing/render';
import { defaultStartMonth } from './PlanModal';

const adobe = plan({
  id: 11,
  service_id: 4,
  service_name: 'Adobe CC',
  provider_name: 'Adobe',
  qty: 5,
  monthly_unit_cost: '59.99',
  monthly_cost: '299.95',
  currency: 'EUR',
  billing_cycle: 'annual',
  annual_commitment_end: null,
});

function mockLicenses() {
  mockCatalog();
  apiMock.on('GET', '/licenses', (req) => {
    if (req.query.get('active') === 'true') return licensesReply([adobe, plan()])(req);
    return licensesReply([adobe, plan(), plan({ id: 3, start_month: '2024-01-01', end_month: '2024-12-01' })])(req);
  });
}

describe('LicenseManager', () => {
  it('lists provider, license, qty, unit cost and monthly cost in their currency', async () => {
    mockLicenses();
    renderApp('/licenses');
    const table = await screen.findByRole('table', { name: 'License plans' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('Adobe');
    expect(rows[0]).toHaveTextContent('€59.99');
    expect(rows[0]).toHaveTextContent('€299.95');
    expect(within(rows[0]!).getByText('paid yearly')).toBeInTheDocument();
    expect(within(rows[1]!).queryByText('paid yearly')).not.toBeInTheDocument();
    expect(rows[1]).toHaveTextContent('Microsoft 365');
    expect(rows[1]).toHaveTextContent('$312.50');
    expect(within(rows[1]!).getByText('Commitment: 5 months left')).toBeInTheDocument();
    expect(within(rows[0]!).queryByText(/Commitment:/)).not.toBeInTheDocument();
    // One page of plans in force, sorted by provider, and nothing else: no service list.
    // (Besides the navbar's count of open alerts, on every page.)
    expect(apiMock.requests().filter((request) => request.path !== '/alerts')).toHaveLength(1);
    expect(apiMock.requests('GET', '/licenses')[0]!.query.toString()).toBe('active=true&sort=provider_name&limit=20&offset=0');
  });

  it('sorts, searches and filters by provider on the server', async () => {
    mockLicenses();
    const { user } = renderApp('/licenses');
    const table = await screen.findByRole('table', { name: 'License plans' });
    await user.click(within(table).getByRole('button', { name: 'Sort by Monthly cost' }));
    await waitFor(() => expect(apiMock.requests('GET', '/licenses').at(-1)!.query.get('sort')).toBe('monthly_cost'));
    await user.type(screen.getByRole('textbox', { name: 'Search License plans' }), 'micro');
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(2));
    expect(apiMock.requests('GET', '/licenses').at(-1)!.query.get('q')).toBe('micro');
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));

    await user.click(within(table).getByRole('button', { name: 'Filter by Provider' }));
    await user.click(screen.getByRole('textbox', { name: 'Filter Provider' }));
    await user.click(await screen.findByRole('option', { name: 'Microsoft' }));
    await waitFor(() => expect(apiMock.requests('GET', '/licenses').at(-1)!.query.get('provider_id')).toBe('2'));
  });

  it('shows every plan on demand', async () => {
    mockLicenses();
    const { user } = renderApp('/licenses');
    await screen.findByRole('table', { name: 'License plans' });
    await user.click(screen.getByRole('radio', { name: 'All plans' }));
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'License plans' })).getAllByRole('row')).toHaveLength(4));
    expect(screen.getByText('Dec 2024')).toBeInTheDocument();
    expect(apiMock.requests('GET', '/licenses').at(-1)!.query.has('active')).toBe(false);
  });

  it('pre-filters from a dashboard link', async () => {
    mockLicenses();
    renderApp('/licenses?q=Adobe');
    const table = await screen.findByRole('table', { name: 'License plans' });
    expect(within(table).getAllByRole('row')).toHaveLength(2);
    expect(screen.getByRole('textbox', { name: 'Search License plans' })).toHaveValue('Adobe');
    expect(apiMock.requests('GET', '/licenses').every((req) => req.query.get('q') === 'Adobe')).toBe(true);
  });

  it('adds a new plan for a license service', async () => {
    mockLicenses();
    apiMock.on('POST', '/licenses', (req) => ({ status: 201, body: plan({ id: 20, ...(req.body as object), qty: 3 }) }));
    const { user } = renderApp('/licenses');
    await screen.findByRole('table', { name: 'License plans' });
    await user.click(screen.getByRole('button', { name: 'Add plan' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add a license plan' });
    await user.click(within(dialog).getByRole('button', { name: 'Add plan' }));
    expect(await within(dialog).findByText('Choose a license service')).toBeInTheDocument();
    expect(within(dialog).getByText('Enter an amount')).toBeInTheDocument();

    await user.click(within(dialog).getByRole('textbox', { name: /^License service/ }));
    await user.click(await screen.findByRole('option', { name: 'Microsoft 365 (Microsoft)' }));
    // The picker searches active User License services by category id, 20 at a time.
    const search = apiMock.requests('GET', '/service').at(-1)!.query;
    expect(search.get('category_id')).toBe('2');
    expect(search.get('active')).toBe('true');
    expect(search.get('limit')).toBe('20');
    await user.type(within(dialog).getByRole('textbox', { name: /^Monthly unit cost/ }), '8.00');
    const qty = within(dialog).getByRole('textbox', { name: /^Quantity/ });
    await user.clear(qty);
    await user.type(qty, '3');
    await user.click(within(dialog).getByRole('textbox', { name: /^Currency/ }));
    await user.click(await screen.findByRole('option', { name: /^EUR/ }));
    await user.click(within(dialog).getByRole('textbox', { name: /^Billing/ }));
    await user.click(await screen.findByRole('option', { name: 'Yearly, paid in advance' }));
    await user.click(within(dialog).getByRole('button', { name: 'Add plan' }));
    expect(await screen.findByText('Plan saved')).toBeInTheDocument();
    expect(apiMock.requests('POST', '/licenses')[0]!.body).toEqual({
      service_id: 2,
      monthly_unit_cost: '8.00',
      qty: 3,
      currency: 'EUR',
      billing_cycle: 'annual',
      start_month: dayjs().startOf('month').format('YYYY-MM-DD'),
      end_month: null,
      annual_commitment_end: null,
    });
  });

  it('reports a refused plan', async () => {
    mockLicenses();
    apiMock.on('POST', '/licenses', { detail: 'A plan for this service already starts that month' }, 409);
    const { user } = renderApp('/licenses');
    const table = await screen.findByRole('table', { name: 'License plans' });
    await user.click(within(table).getByRole('button', { name: 'Record change for Adobe CC' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByRole('textbox', { name: /^Monthly unit cost/ })).toHaveValue('59.99');
    await user.click(within(dialog).getByRole('button', { name: 'Record change' }));
    expect(await screen.findByText('A plan for this service already starts that month')).toBeInTheDocument();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });

  it('has an empty state', async () => {
    apiMock.on('GET', '/licenses', []);
    renderApp('/licenses');
    expect(await screen.findByText('No license plan in force')).toBeInTheDocument();
  });

  it('starts a new plan after the latest one', () => {
    const thisMonth = dayjs().startOf('month');
    expect(defaultStartMonth([])).toBe(thisMonth.format('YYYY-MM-DD'));
    expect(defaultStartMonth([plan({ start_month: '2020-01-01' })])).toBe(thisMonth.format('YYYY-MM-DD'));
    expect(defaultStartMonth([plan({ start_month: thisMonth.add(2, 'month').format('YYYY-MM-DD') })]))
      .toBe(thisMonth.add(3, 'month').format('YYYY-MM-DD'));
  });
});
