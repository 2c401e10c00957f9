import { screen, waitFor, within } from '@testing-library/react';
import dayjs from 'dayjs';
import { apiMock, listReply } from '@/testing/api-mock';
import {
  balance, consumption, invoice, plan, services,
} from '@/testing/fixtures';
import { renderApp } from '@/testing/render';
import { eventsReply, licensesReply, usageEvents } from '@/testing/scenarios';

describe('ServiceDetail', () => {
  it('shows an infrastructure service with its invoices, and adds one', async () => {
    apiMock
      .on('GET', '/service/1', services[0]!)
      .on('GET', '/invoices', listReply([invoice({
        id: 101, invoice_month: '2025-05-01', amount: '999.00', currency: 'EUR',
      }), invoice()], { equals: { service_id: 'service_id' } }))
      .on('POST', '/invoices', (req) => ({ status: 201, body: invoice({ id: 102, ...(req.body as object) }) }));
    const { user } = renderApp('/services/1');
    expect(await screen.findByRole('heading', { name: 'AWS Production', level: 1 })).toBeInTheDocument();
    const table = await screen.findByRole('table', { name: 'Invoices' });
    const rows = within(table).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('Jun 2025');
    expect(rows[1]).toHaveTextContent('$1,234.50');
    expect(rows[2]).toHaveTextContent('May 2025');
    expect(rows[2]).toHaveTextContent('€999.00');
    // One page, newest month first, from the server; the form's currency comes from the same request.
    expect(apiMock.requests('GET', '/invoices')).toHaveLength(1);
    expect(apiMock.requests('GET', '/invoices')[0]!.query.toString()).toBe('service_id=1&sort=-invoice_month&limit=20&offset=0');

    const form = screen.getByRole('form', { name: 'Add invoice' });
    await user.type(within(form).getByRole('textbox', { name: /^Amount/ }), '12.345');
    await user.click(within(form).getByRole('button', { name: 'Add invoice' }));
    expect(await within(form).findByText(/up to two decimals/)).toBeInTheDocument();
    await user.clear(within(form).getByRole('textbox', { name: /^Amount/ }));
    await user.type(within(form).getByRole('textbox', { name: /^Amount/ }), '2500.00');
    await user.click(within(form).getByRole('button', { name: 'Add invoice' }));
    expect(await screen.findByText('Invoice added')).toBeInTheDocument();
    // The form starts with the currency of the latest invoice.
    expect(apiMock.requests('POST', '/invoices')[0]!.body).toEqual({
      service_id: 1,
      invoice_month: dayjs().subtract(1, 'month').startOf('month').format('YYYY-MM-DD'),
      amount: '2500.00',
      currency: 'USD',
    });
  });

  it('filters the invoices by month and sorts them on the server', async () => {
    apiMock
      .on('GET', '/service/1', services[0]!)
      .on('GET', '/invoices', listReply([invoice()]));
    const { user } = renderApp('/services/1');
    const table = await screen.findByRole('table', { name: 'Invoices' });
    await user.click(within(table).getByRole('button', { name: 'Sort by Amount' }));
    await waitFor(() => expect(apiMock.requests('GET', '/invoices').at(-1)!.query.get('sort')).toBe('amount'));
    await user.click(within(table).getByRole('button', { name: 'Filter by Month' }));
    await user.click(screen.getByRole('button', { name: /^Filter Month/ }));
    await user.click(await screen.findByRole('button', { name: 'Jun' }));
    await waitFor(() => expect(apiMock.requests('GET', '/invoices').at(-1)!.query.get('month')).toBe('6'));
    expect(apiMock.requests('GET', '/invoices').at(-1)!.query.get('year')).toBe(String(dayjs().year()));
    expect(screen.getByRole('button', { name: 'Clear filters' })).toBeInTheDocument();
  });

  it('deletes an invoice after confirmation', async () => {
    apiMock
      .on('GET', '/service/1', services[0]!)
      .on('GET', '/invoices', [invoice()])
      .on('DELETE', '/invoices/100', () => ({ status: 204 }));
    const { user } = renderApp('/services/1');
    const table = await screen.findByRole('table', { name: 'Invoices' });
    await user.click(within(table).getByRole('button', { name: 'Delete invoice Jun 2025' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete the Jun 2025 invoice?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete invoice' }));
    expect(await screen.findByText('Invoice deleted')).toBeInTheDocument();
    expect(apiMock.requests('DELETE', '/invoices/100')).toHaveLength(1);
  });

  it('shows the plans of a license service and records a change', async () => {
    const current = plan({ start_month: dayjs().startOf('month').format('YYYY-MM-DD') });
    const older = plan({
      id: 9, start_month: '2024-01-01', end_month: null, qty: 20, monthly_cost: '250.00', annual_commitment_end: null,
    });
    apiMock
      .on('GET', '/service/2', services[1]!)
      .on('GET', '/licenses', (req) => licensesReply(req.query.get('active') === 'true' ? [current] : [current, older])(req))
      .on('POST', '/licenses', (req) => ({ status: 201, body: plan({ id: 12, ...(req.body as object), qty: 30 }) }));
    const { user } = renderApp('/services/2');
    const table = await screen.findByRole('table', { name: 'License plans' });
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    expect(within(table).getByText('in force')).toBeInTheDocument();
    expect(within(table).getByText(/Commitment: \d+ months? left/)).toBeInTheDocument();
    expect(apiMock.requests('GET', '/licenses').some((req) => req.query.toString() === 'service_id=2&active=true&limit=1')).toBe(true);

    await user.click(screen.getByRole('button', { name: 'Record price/qty change' }));
    const dialog = await screen.findByRole('dialog');
    const qty = within(dialog).getByRole('textbox', { name: /^Quantity/ });
    await user.clear(qty);
    await user.type(qty, '30');
    await user.click(within(dialog).getByRole('button', { name: 'Record change' }));
    expect(await screen.findByText('Plan saved')).toBeInTheDocument();
    const body = apiMock.requests('POST', '/licenses')[0]!.body as Record<string, unknown>;
    // The current plan starts this month, so the change starts next month.
    expect(body).toMatchObject({
      service_id: 2,
      qty: 30,
      monthly_unit_cost: '12.50',
      currency: 'USD',
      start_month: dayjs().add(1, 'month').startOf('month').format('YYYY-MM-DD'),
    });
  });

  it('shows a usage service with its balance and events', async () => {
    apiMock
      .on('GET', '/service/3', services[2]!)
      .on('GET', '/usage/events', eventsReply(usageEvents))
      .on('GET', '/usage/balances/3', balance())
      .on('POST', '/usage/consumption', (req) => ({ status: 201, body: consumption({ id: 5, ...(req.body as object) }) }));
    const { user } = renderApp('/services/3');
    const table = await screen.findByRole('table', { name: 'Top-ups and consumption' });
    expect(within(table).getByText('+$500.00')).toBeInTheDocument();
    expect(within(table).getByText('−$450.00')).toBeInTheDocument();
    expect(await screen.findByText('$50.00')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Add Consumption' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByRole('textbox', { name: /^Amount consumed/ }), '0');
    await user.click(within(dialog).getByRole('button', { name: 'Add consumption' }));
    expect(await within(dialog).findByText('Must be greater than zero')).toBeInTheDocument();
    await user.clear(within(dialog).getByRole('textbox', { name: /^Amount consumed/ }));
    await user.type(within(dialog).getByRole('textbox', { name: /^Amount consumed/ }), '10.5');
    await user.click(within(dialog).getByRole('button', { name: 'Add consumption' }));
    expect(await screen.findByText('Consumption recorded')).toBeInTheDocument();
    expect(apiMock.requests('POST', '/usage/consumption')[0]!.body).toEqual({
      service_id: 3, consumption_date: dayjs().format('YYYY-MM-DD'), amount_consumed: '10.5',
    });
    await waitFor(() => expect(apiMock.requests('GET', '/usage/balances/3').length).toBeGreaterThan(1));
    // One service's events only, never every balance.
    expect(apiMock.requests('GET', '/usage/balances')).toHaveLength(0);
    expect(apiMock.requests('GET', '/usage/events')[0]!.query.toString()).toBe('service_id=3&sort=-date&limit=20&offset=0');
  });

  it('shows not found for an unknown service', async () => {
    apiMock.on('GET', '/service/42', { detail: 'Service 42 not found' }, 404);
    renderApp('/services/42');
    expect(await screen.findByRole('heading', { name: 'Page not found' })).toBeInTheDocument();
  });
});
