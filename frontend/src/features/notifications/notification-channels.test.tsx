import { screen, waitFor, within } from '@testing-library/react';
import type { NotificationChannel, NotificationDelivery } from '@/api/types';
import { apiMock, listReply } from '@/testing/api-mock';
import { renderApp } from '@/testing/render';
import { mockFxRates } from '@/testing/scenarios';

function channel(overrides: Partial<NotificationChannel> = {}): NotificationChannel {
  return {
    id: 1,
    kind: 'email',
    name: 'Finance',
    target: 'finance@example.com',
    has_secret: false,
    enabled: true,
    kinds: ['budget', 'low_balance', 'runway', 'commitment', 'anomaly'],
    created_at: '2025-07-01T08:00:00Z',
    updated_at: '2025-07-01T08:00:00Z',
    ...overrides,
  };
}

function delivery(overrides: Partial<NotificationDelivery> = {}): NotificationDelivery {
  return {
    id: 1,
    channel_id: 1,
    event_id: null,
    event: 'test',
    status: 'sent',
    attempts: 1,
    response_status: 250,
    error: null,
    started_at: '2025-07-01T08:00:00Z',
    finished_at: '2025-07-01T08:00:01Z',
    ...overrides,
  };
}

function mockChannels(rows: NotificationChannel[]) {
  mockFxRates([]); // the Settings page shows the exchange rates too
  apiMock.on('GET', '/auth/me', { email: 'admin@example.com' })
    .on('GET', '/tokens', listReply([]))
    .on('GET', '/notification-channels', () => ({ status: 200, body: rows }));
}

describe('Notification channels', () => {
  it('adds a signed webhook with chosen alert kinds', async () => {
    const rows: NotificationChannel[] = [];
    mockChannels(rows);
    apiMock.on('POST', '/notification-channels', (request) => {
      const body = request.body as NotificationChannel;
      const made = channel({
        id: 3, kind: body.kind, name: body.name, target: body.target, kinds: body.kinds, has_secret: true,
      });
      rows.push(made);
      return { status: 201, body: made };
    });
    const { user } = renderApp('/settings');
    expect(await screen.findByText('No notification channels yet.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'New channel' }));
    const dialog = await screen.findByRole('dialog', { name: 'New notification channel' });
    await user.click(within(dialog).getByRole('textbox', { name: /^Kind/ }));
    await user.click(await screen.findByRole('option', { name: 'Webhook' }));
    await user.type(within(dialog).getByRole('textbox', { name: /^Name/ }), 'Bridge');
    await user.type(within(dialog).getByRole('textbox', { name: /^Webhook URL/ }), 'ftp://nope');
    await user.click(within(dialog).getByRole('button', { name: 'Save channel' }));
    expect(await within(dialog).findByText('Enter an http:// or https:// URL')).toBeInTheDocument();
    expect(within(dialog).getByText('Enter a signing key of 16 characters or more')).toBeInTheDocument();
    expect(apiMock.requests('POST', '/notification-channels')).toHaveLength(0);

    const url = within(dialog).getByRole('textbox', { name: /^Webhook URL/ });
    await user.clear(url);
    await user.type(url, 'https://hooks.example.com/cw');
    await user.type(within(dialog).getByLabelText(/^Signing secret/), 'a-long-signing-key-123');
    await user.click(within(dialog).getByRole('checkbox', { name: 'Anomalies' }));
    await user.click(within(dialog).getByRole('checkbox', { name: 'Commitments' }));
    await user.click(within(dialog).getByRole('button', { name: 'Save channel' }));

    await waitFor(() => expect(apiMock.requests('POST', '/notification-channels')).toHaveLength(1));
    expect(apiMock.requests('POST', '/notification-channels')[0]!.body).toEqual({
      kind: 'webhook',
      name: 'Bridge',
      target: 'https://hooks.example.com/cw',
      secret: 'a-long-signing-key-123',
      enabled: true,
      kinds: ['budget', 'low_balance', 'runway'],
    });
    const table = await screen.findByRole('table', { name: 'Notification channels' });
    const row = await within(table).findByRole('row', { name: /Bridge/ });
    expect(within(row).getByText('signed')).toBeInTheDocument();
    expect(screen.queryByText('a-long-signing-key-123')).not.toBeInTheDocument();
  });

  it('toggles a channel, sends a test and shows the deliveries', async () => {
    const rows = [channel({ id: 4, name: 'Finance' })];
    mockChannels(rows);
    apiMock.on('PUT', '/notification-channels/4', (request) => {
      Object.assign(rows[0]!, request.body);
      return { status: 200, body: rows[0] };
    });
    apiMock.on('POST', '/notification-channels/4/test', delivery({ channel_id: 4 }));
    apiMock.on('GET', '/notification-channels/4/deliveries', [
      delivery({
        id: 2, channel_id: 4, status: 'failed', attempts: 3, error: 'cannot reach the SMTP server',
      }),
      delivery({ id: 1, channel_id: 4 }),
    ]);
    const { user } = renderApp('/settings');
    const table = await screen.findByRole('table', { name: 'Notification channels' });
    const row = await within(table).findByRole('row', { name: /Finance/ });

    await user.click(within(row).getByRole('switch', { name: 'Enable Finance' }));
    await waitFor(() => expect(apiMock.requests('PUT', '/notification-channels/4')).toHaveLength(1));
    expect(apiMock.requests('PUT', '/notification-channels/4')[0]!.body).toEqual({ enabled: false });

    await user.click(within(row).getByRole('button', { name: 'Send a test to Finance' }));
    await waitFor(() => expect(apiMock.requests('POST', '/notification-channels/4/test')).toHaveLength(1));
    expect(await screen.findByText('Delivered after 1 try')).toBeInTheDocument();

    await user.click(within(row).getByRole('button', { name: 'Deliveries to Finance' }));
    const log = await screen.findByRole('table', { name: 'Deliveries to Finance' });
    expect(within(log).getByText('cannot reach the SMTP server')).toBeInTheDocument();
    expect(within(log).getByText('failed')).toBeInTheDocument();
    expect(within(log).getByText('sent')).toBeInTheDocument();
  });

  it('shows why a test was not delivered', async () => {
    mockChannels([channel({
      id: 5, kind: 'slack', name: 'Costs', target: 'https://hooks.slack.com/x',
    })]);
    apiMock.on('POST', '/notification-channels/5/test', {
      detail: 'The test to slack channel \'Costs\' failed after 1 tries: the receiver answered 404 Not Found',
    }, 502);
    const { user } = renderApp('/settings');
    const row = await screen.findByRole('row', { name: /Costs/ });

    await user.click(within(row).getByRole('button', { name: 'Send a test to Costs' }));

    const alert = await screen.findByText('The test was not delivered');
    expect(alert).toBeInTheDocument();
    expect(screen.getAllByText(/the receiver answered 404 Not Found/).length).toBeGreaterThan(0);
  });

  it('asks before deleting a channel', async () => {
    const rows = [channel({ id: 6, name: 'Old hook' })];
    mockChannels(rows);
    apiMock.on('DELETE', '/notification-channels/6', () => {
      rows.splice(0, 1);
      return { status: 204 };
    });
    const { user } = renderApp('/settings');
    const row = await screen.findByRole('row', { name: /Old hook/ });
    await user.click(within(row).getByRole('button', { name: 'Delete Old hook' }));
    const confirm = await screen.findByRole('dialog', { name: /Delete the channel "Old hook"/ });
    expect(apiMock.requests('DELETE', '/notification-channels/6')).toHaveLength(0);
    await user.click(within(confirm).getByRole('button', { name: 'Delete channel' }));
    expect(await screen.findByText('No notification channels yet.')).toBeInTheDocument();
  });
});
