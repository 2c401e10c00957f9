import { screen, waitFor, within } from '@testing-library/react';
import dayjs from 'dayjs';
import { apiMock } from '@/testing/api-mock';
import {
  balance, connection, topup, usageEvent,
} from '@/testing/fixtures';
import { eventsReply, mockUsage, twilio } from '@/testing/scenarios';
import { renderApp } from '@/testing/render';

describe('UsageManager', () => {
  it('shows balance, threshold and last top-up per usage service', async () => {
    mockUsage();
    renderApp('/usage');
    const openai = await screen.findByRole('region', { name: 'OpenAI API' });
    expect(within(openai).getByLabelText('OpenAI API balance')).toHaveTextContent('$50.00');
    expect(await within(openai).findByText('$100.00')).toBeInTheDocument();
    expect(within(openai).getByText('Threshold (20 %)')).toBeInTheDocument();
    expect(within(openai).getByText('Low balance')).toBeInTheDocument();
    expect(within(openai).getAllByText('2025-06-01')[0]).toBeVisible();
    const twilioCard = screen.getByRole('region', { name: 'Twilio' });
    expect(within(twilioCard).getByText('$60.00')).toBeInTheDocument();
    expect(within(twilioCard).queryByText('Low balance')).not.toBeInTheDocument();
    // One page of balances (and the connections that mark synced services); no top-ups,
    // consumption or events until a section opens.
    // (Besides the navbar's count of open alerts, on every page.)
    const paths = apiMock.requests().map((request) => request.path).filter((path) => path !== '/alerts');
    expect(paths.sort()).toEqual(['/connections', '/usage/balances']);
    // Runs out first by default: the runway is what this page is for.
    expect(apiMock.requests('GET', '/usage/balances')[0]!.query.toString()).toBe('sort=days_left&limit=10&offset=0');
    expect(screen.getByRole('textbox', { name: 'Sort usage services' })).toHaveValue('Runs out first');
  });

  it('makes the runway the headline of each service, coloured by urgency', async () => {
    mockUsage([
      balance(),
      twilio,
      balance({
        service_id: 9, service_name: 'Empty', balance: '-3.00', days_left: 0, runout_date: dayjs().format('YYYY-MM-DD'),
      }),
      balance({
        service_id: 10, service_name: 'Idle', daily_burn: '0.00', days_left: null, runout_date: null,
      }),
    ]);
    renderApp('/usage');
    const openai = await screen.findByRole('region', { name: 'OpenAI API' });
    const soon = dayjs().add(3, 'day').format('D MMM YYYY');
    const badge = within(openai).getByLabelText('OpenAI API runway');
    expect(badge).toHaveTextContent(`Runs out ${soon} · in 3 days`);
    expect(badge).toHaveAttribute('data-runway', 'critical');
    expect(within(openai).getByLabelText('OpenAI API daily burn')).toHaveTextContent('$15.00 / day');
    const later = screen.getByLabelText('Twilio runway');
    expect(later).toHaveTextContent(`Runs out ${dayjs().add(117, 'day').format('D MMM YYYY')} · in 117 days`);
    expect(later).toHaveAttribute('data-runway', 'ok');
    expect(screen.getByLabelText('Empty runway')).toHaveTextContent('Out of funds');
    expect(screen.getByLabelText('Idle runway')).toHaveTextContent('Not burning (no use in 30 days)');
    expect(screen.getByLabelText('Idle runway')).toHaveAttribute('data-runway', 'never');
  });

  it('lists the top-ups and consumption of a service when its section opens', async () => {
    mockUsage();
    const { user } = renderApp('/usage');
    const card = await screen.findByRole('region', { name: 'Twilio' });
    await user.click(within(card).getByRole('button', { name: 'Top-ups and consumption' }));
    const table = await within(card).findByRole('table', { name: 'Twilio top-ups and consumption' });
    expect(await within(table).findByText('+$300.00')).toBeInTheDocument();
    expect(within(table).getByText('−$60.80')).toBeInTheDocument();
    expect(within(card).getByText('1–2 of 2')).toBeInTheDocument();
    expect(apiMock.requests('GET', '/usage/events')).toHaveLength(1);
    expect(apiMock.requests('GET', '/usage/events')[0]!.query.get('service_id')).toBe('5');
    await user.click(within(table).getByRole('button', { name: 'Sort by Amount' }));
    await waitFor(() => expect(apiMock.requests('GET', '/usage/events').at(-1)!.query.get('sort')).toBe('amount'));
  });

  it('opens the sub-table of the service a link points to', async () => {
    mockUsage();
    renderApp('/usage?service=3');
    expect(await screen.findByRole('table', { name: 'OpenAI API top-ups and consumption' })).toBeInTheDocument();
    // Fetched on its own, wherever it is in the list, and shown once.
    expect(apiMock.requests('GET', '/usage/balances/3')).toHaveLength(1);
    await waitFor(() => expect(screen.getAllByRole('region', { name: 'OpenAI API' })).toHaveLength(1));
  });

  it('searches, sorts and pages the services on the server', async () => {
    const many = Array.from({ length: 23 }, (_, i) => balance({
      service_id: 100 + i, service_name: `Service ${String(i + 1).padStart(2, '0')}`, low_balance: false,
    }));
    mockUsage(many);
    const { user } = renderApp('/usage');
    expect(await screen.findByText('1–10 of 23 usage services')).toBeInTheDocument();
    expect(screen.getAllByRole('region')).toHaveLength(10);
    await user.click(screen.getByRole('button', { name: 'Page 3' }));
    expect(await screen.findByText('21–23 of 23 usage services')).toBeInTheDocument();
    expect(apiMock.requests('GET', '/usage/balances').at(-1)!.query.get('offset')).toBe('20');

    await user.type(screen.getByRole('textbox', { name: 'Search usage services' }), 'Service 1');
    expect(await screen.findByText('1–10 of 10 usage services')).toBeInTheDocument();
    expect(apiMock.requests('GET', '/usage/balances').at(-1)!.query.get('q')).toBe('Service 1');
    await user.type(screen.getByRole('textbox', { name: 'Search usage services' }), 'zz');
    expect(await screen.findByText('No usage service matches the search.')).toBeInTheDocument();

    await user.click(screen.getByRole('textbox', { name: 'Sort usage services' }));
    await user.click(await screen.findByRole('option', { name: 'Lowest balance first' }));
    await waitFor(() => expect(apiMock.requests('GET', '/usage/balances').at(-1)!.query.get('sort')).toBe('balance'));
  });

  it('records a top-up and shows the new balance', async () => {
    mockUsage();
    apiMock.on('POST', '/usage/topups', (req) => {
      mockUsage([balance({ balance: '550.00', total_topups: '1000.00' }), twilio]);
      return { status: 201, body: topup({ id: 9, ...(req.body as object) }) };
    });
    const { user } = renderApp('/usage');
    const openai = await screen.findByRole('region', { name: 'OpenAI API' });
    await user.click(within(openai).getByRole('button', { name: 'Record Top-up' }));
    const dialog = await screen.findByRole('dialog', { name: 'Record top-up — OpenAI API' });
    // The service's currency is fixed by its earlier top-ups.
    expect(within(dialog).getByRole('textbox', { name: /^Currency/ })).toBeDisabled();
    await user.type(within(dialog).getByRole('textbox', { name: /^Amount purchased/ }), '500');
    await user.click(within(dialog).getByRole('button', { name: 'Record top-up' }));
    expect(await screen.findByText('Top-up of $500.00 recorded')).toBeInTheDocument();
    expect(apiMock.requests('POST', '/usage/topups')[0]!.body).toEqual({
      service_id: 3, topup_date: dayjs().format('YYYY-MM-DD'), amount_purchased: '500', currency: 'USD',
    });
    await waitFor(() => expect(screen.getByLabelText('OpenAI API balance')).toHaveTextContent('$550.00'));
  });

  it('lets the first top-up choose its currency', async () => {
    mockUsage([balance({
      service_id: 8, service_name: 'Fresh', last_topup_date: null, last_topup_amount: null, threshold_amount: null, low_balance: false,
    })]);
    apiMock.on('POST', '/usage/topups', (req) => ({ status: 201, body: topup({ id: 9, ...(req.body as object) }) }));
    const { user } = renderApp('/usage');
    const card = await screen.findByRole('region', { name: 'Fresh' });
    expect(within(card).getByText('No top-up yet')).toBeInTheDocument();
    await user.click(within(card).getByRole('button', { name: 'Record Top-up' }));
    const dialog = await screen.findByRole('dialog', { name: 'Record top-up — Fresh' });
    const currency = within(dialog).getByRole('textbox', { name: /^Currency/ });
    expect(currency).toBeEnabled();
    expect(currency).toHaveValue('USD – US Dollar');
    await user.type(within(dialog).getByRole('textbox', { name: /^Amount purchased/ }), '20');
    await user.click(within(dialog).getByRole('button', { name: 'Record top-up' }));
    await waitFor(() => expect(apiMock.requests('POST', '/usage/topups')).toHaveLength(1));
    expect(apiMock.requests('POST', '/usage/topups')[0]!.body).toMatchObject({ service_id: 8, currency: 'USD' });
  });

  it('shows a refused consumption as an error toast', async () => {
    mockUsage();
    apiMock.on('POST', '/usage/consumption', {
      detail: [{ loc: ['body', 'amount_consumed'], msg: 'Input should be greater than 0', type: 'greater_than' }],
    }, 422);
    const { user } = renderApp('/usage');
    const card = await screen.findByRole('region', { name: 'Twilio' });
    await user.click(within(card).getByRole('button', { name: 'Add Consumption' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add consumption — Twilio' });
    expect(within(dialog).queryByRole('textbox', { name: /^Currency/ })).not.toBeInTheDocument();
    await user.type(within(dialog).getByRole('textbox', { name: /^Amount consumed/ }), '5');
    await user.click(within(dialog).getByRole('button', { name: 'Add consumption' }));
    expect(await screen.findByText('amount consumed: Input should be greater than 0')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('marks the services a connection syncs and the rows it wrote', async () => {
    mockUsage([balance(), twilio], [
      connection({ id: 4, name: 'OpenAI org', service_id: 3 }),
      connection({
        id: 5, name: 'Old Twilio', kind: 'twilio', service_id: 5, enabled: false,
      }),
    ]);
    apiMock.on('GET', '/usage/events', eventsReply([
      usageEvent({
        kind: 'consumption', id: 7, day: '2025-06-16', amount: '1.25', source: 'connection:4',
      }),
      usageEvent({
        kind: 'consumption', id: 8, day: '2025-06-15', amount: '2.00', source: null,
      }),
    ]));
    const { user } = renderApp('/usage');
    const openai = await screen.findByRole('region', { name: 'OpenAI API' });
    const badge = await within(openai).findByRole('link', { name: 'Synced by OpenAI org' });
    expect(badge).toHaveAttribute('href', '/connections');
    // A disabled connection no longer writes: its service is not marked.
    expect(within(screen.getByRole('region', { name: 'Twilio' })).queryByText('Synced')).not.toBeInTheDocument();

    await user.click(within(openai).getByRole('button', { name: 'Top-ups and consumption' }));
    const table = await within(openai).findByRole('table', { name: 'OpenAI API top-ups and consumption' });
    const synced = await within(table).findByRole('row', { name: /2025-06-16/ });
    expect(within(synced).getByText('synced')).toBeInTheDocument();
    const manual = within(table).getByRole('row', { name: /2025-06-15/ });
    expect(within(manual).queryByText('synced')).not.toBeInTheDocument();
  });

  it('has empty and error states', async () => {
    apiMock.on('GET', '/connections', []);
    apiMock.on('GET', '/usage/balances', []);
    renderApp('/usage');
    expect(await screen.findByText('No usage services')).toBeInTheDocument();
  });

  it('says when the balances cannot be loaded', async () => {
    apiMock.on('GET', '/connections', []);
    apiMock.on('GET', '/usage/balances', { detail: 'Database unavailable' }, 503);
    renderApp('/usage');
    expect(await screen.findByText('Database unavailable')).toBeInTheDocument();
  });
});
