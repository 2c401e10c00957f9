import { screen, waitFor, within } from '@testing-library/react';
import dayjs from 'dayjs';
import { apiMock } from '@/testing/api-mock';
import { balance, topup } from '@/testing/fixtures';
import { mockUsage } from '@/testing/mock-api';
import { renderApp } from '@/testing/render';

describe('UsageManager', () => {
  it('shows balance, threshold and last top-up per usage service', async () => {
    mockUsage();
    renderApp('/usage');
    const openai = await screen.findByRole('region', { name: 'OpenAI API' });
    expect(within(openai).getByLabelText('OpenAI API balance')).toHaveTextContent('$50.00');
    expect(await within(openai).findByText('$100.00')).toBeInTheDocument();
    expect(within(openai).getByText('Low balance')).toBeInTheDocument();
    expect(within(openai).getAllByText('2025-06-01')[0]).toBeVisible();
    const twilio = screen.getByRole('region', { name: 'Twilio' });
    expect(within(twilio).getByText('$60.00')).toBeInTheDocument();
    expect(within(twilio).queryByText('Low balance')).not.toBeInTheDocument();
  });

  it('lists the top-ups and consumption of a service in a sub-table', async () => {
    mockUsage();
    const { user } = renderApp('/usage');
    const twilio = await screen.findByRole('region', { name: 'Twilio' });
    await user.click(within(twilio).getByRole('button', { name: 'Top-ups and consumption (2)' }));
    const table = await within(twilio).findByRole('table', { name: 'Twilio top-ups and consumption' });
    expect(within(table).getByText('+$300.00')).toBeInTheDocument();
    expect(within(table).getByText('−$60.80')).toBeInTheDocument();
  });

  it('opens the sub-table of the service a link points to', async () => {
    mockUsage();
    renderApp('/usage?service=3');
    expect(await screen.findByRole('table', { name: 'OpenAI API top-ups and consumption' })).toBeInTheDocument();
  });

  it('records a top-up and shows the new balance', async () => {
    mockUsage();
    apiMock.on('POST', '/usage/topups', (req) => {
      apiMock.on('GET', '/usage/balances', [balance({ balance: '550.00', total_topups: '1000.00' })]);
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

  it('shows a refused consumption as an error toast', async () => {
    mockUsage();
    apiMock.on('POST', '/usage/consumption', {
      detail: [{ loc: ['body', 'amount_consumed'], msg: 'Input should be greater than 0', type: 'greater_than' }],
    }, 422);
    const { user } = renderApp('/usage');
    const twilio = await screen.findByRole('region', { name: 'Twilio' });
    await user.click(within(twilio).getByRole('button', { name: 'Add Consumption' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add consumption — Twilio' });
    await user.type(within(dialog).getByRole('textbox', { name: /^Amount consumed/ }), '5');
    await user.click(within(dialog).getByRole('button', { name: 'Add consumption' }));
    expect(await screen.findByText('amount consumed: Input should be greater than 0')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('has empty and error states', async () => {
    apiMock.on('GET', '/usage/balances', [])
      .on('GET', '/usage/topups', [])
      .on('GET', '/usage/consumption', [])
      .on('GET', '/alerts/low-balance', []);
    renderApp('/usage');
    expect(await screen.findByText('No usage services')).toBeInTheDocument();
  });

  it('says when the balances cannot be loaded', async () => {
    apiMock.on('GET', '/usage/balances', { detail: 'Database unavailable' }, 503)
      .on('GET', '/usage/topups', [])
      .on('GET', '/usage/consumption', [])
      .on('GET', '/alerts/low-balance', []);
    renderApp('/usage');
    expect(await screen.findByText('Database unavailable')).toBeInTheDocument();
  });
});
