import { screen, waitFor, within } from '@testing-library/react';
import type { Connection } from '@/api/types';
import { apiMock } from '@/testing/api-mock';
import { connection, syncRun } from '@/testing/fixtures';
import { mockCatalog } from '@/testing/scenarios';
import { renderApp } from '@/testing/render';

const twilioConnection = connection({
  id: 2,
  kind: 'twilio',
  name: 'Twilio main',
  service_id: 5,
  service_name: 'Twilio',
  last_status: 'error',
  last_error: 'Twilio refused the credentials (401): check the Account SID and Auth token.',
  last_sync_at: '2025-06-30T10:00:00Z',
  synced_through: '2025-06-28',
  provider_balance: '239.20',
  provider_balance_currency: 'USD',
  balance: '240.00',
  balance_difference: '-0.80',
});

function mockConnections(rows: Connection[]) {
  mockCatalog();
  apiMock.on('GET', '/connections', () => ({ body: rows }));
}

async function openTable() {
  const rendered = renderApp('/connections');
  const table = await screen.findByRole('table', { name: 'Connections' });
  return { ...rendered, table };
}

describe('Connections', () => {
  it('lists each connection with its status, error, sync days and the balances side by side', async () => {
    mockConnections([connection({ id: 1, enabled: false }), twilioConnection]);
    const { table } = await openTable();
    expect(screen.getByRole('heading', { name: 'Connections', level: 1 })).toBeInTheDocument();

    const openai = within(table).getByRole('row', { name: /OpenAI org/ });
    expect(within(openai).getByText('OpenAI')).toBeInTheDocument();
    expect(within(openai).getByText('Never synced')).toBeInTheDocument();
    expect(within(openai).getByText('Not reported')).toBeInTheDocument();
    expect(within(openai).getByText('nothing synced yet')).toBeInTheDocument();
    expect(within(openai).getByRole('switch', { name: 'Enabled: OpenAI org' })).not.toBeChecked();
    expect(within(openai).getByRole('link', { name: 'OpenAI API' })).toHaveAttribute('href', '/usage?service=3');

    const twilio = within(table).getByRole('row', { name: /Twilio main/ });
    expect(within(twilio).getByText('Error')).toBeInTheDocument();
    expect(within(twilio).getByText(/Twilio refused the credentials \(401\)/)).toBeInTheDocument();
    expect(within(twilio).getByText('synced through 2025-06-28')).toBeInTheDocument();
    expect(within(twilio).getByText('$239.20')).toBeInTheDocument();
    expect(within(twilio).getByText('$240.00')).toBeInTheDocument();
    expect(within(twilio).getByText('-$0.80')).toBeInTheDocument();
    expect(within(twilio).getByRole('switch', { name: 'Enabled: Twilio main' })).toBeChecked();
  });

  it('adds a Twilio connection with the fields its kind needs', async () => {
    const rows: Connection[] = [];
    mockConnections(rows);
    apiMock.on('POST', '/connections', (request) => {
      const created = connection({ id: 9, ...(request.body as object), has_credentials: true });
      rows.push(created);
      return { status: 201, body: created };
    });
    const { user } = renderApp('/connections');
    expect(await screen.findByText('No connections yet')).toBeInTheDocument();
    await user.click(screen.getAllByRole('button', { name: 'Add connection' })[0]!);
    const dialog = await screen.findByRole('dialog', { name: 'New connection' });

    // Nothing is sent before the required fields are there.
    await user.click(within(dialog).getByRole('button', { name: 'Add connection' }));
    expect(within(dialog).getByText('Choose a provider')).toBeInTheDocument();

    await user.click(within(dialog).getByRole('textbox', { name: /^Provider/ }));
    await user.click(await screen.findByRole('option', { name: 'Twilio' }));
    expect(within(dialog).getByText(/console\.twilio\.com/)).toBeInTheDocument();
    expect(within(dialog).getByRole('textbox', { name: /^Name/ })).toHaveValue('Twilio');
    expect(within(dialog).queryByLabelText(/Admin key/)).not.toBeInTheDocument();

    await user.click(within(dialog).getByRole('textbox', { name: /^Usage service/ }));
    await user.click(await screen.findByRole('option', { name: 'OpenAI API (OpenAI)' }));
    // The picker only offers Usage services.
    const search = apiMock.requests('GET', '/service').at(-1)!.query;
    expect(search.get('category_id')).toBe('3');

    await user.type(within(dialog).getByLabelText(/^Account SID/), 'AC123');
    await user.click(within(dialog).getByRole('button', { name: 'Add connection' }));
    expect(within(dialog).getByText('Enter the Auth token')).toBeInTheDocument();
    expect(apiMock.requests('POST', '/connections')).toHaveLength(0);
    await user.type(within(dialog).getByLabelText(/^Auth token/), 'secret-token');

    await user.click(within(dialog).getByRole('button', { name: 'Advanced' }));
    await user.type(await within(dialog).findByRole('textbox', { name: /^Base URL/ }), 'http://127.0.0.1:9000/');
    await user.click(within(dialog).getByRole('button', { name: 'Add connection' }));

    await waitFor(() => expect(apiMock.requests('POST', '/connections')).toHaveLength(1));
    expect(apiMock.requests('POST', '/connections')[0]!.body).toEqual({
      kind: 'twilio',
      name: 'Twilio',
      service_id: 3,
      credentials: { account_sid: 'AC123', auth_token: 'secret-token' },
      base_url: 'http://127.0.0.1:9000',
      enabled: true,
      sync_from: null,
    });
    expect(await screen.findByText(/Connection “Twilio” added/)).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(await screen.findByRole('row', { name: /Twilio/ })).toBeInTheDocument();
    expect(screen.queryByText('secret-token')).not.toBeInTheDocument();
  });

  it('edits a connection without sending the stored credentials, and replaces them only when typed', async () => {
    mockConnections([connection({ id: 1 })]);
    apiMock.on('PUT', '/connections/1', (request) => ({ body: connection({ id: 1, ...(request.body as object) }) }));
    const { user, table } = await openTable();
    const edit = async () => {
      await user.click(within(table).getByRole('button', { name: 'More actions for OpenAI org' }));
      await user.click(await screen.findByRole('menuitem', { name: 'Edit' }));
      return screen.findByRole('dialog', { name: 'Edit “OpenAI org”' });
    };

    let dialog = await edit();
    expect(within(dialog).getByText(/Credentials are stored — enter new ones to replace them/)).toBeInTheDocument();
    expect(within(dialog).getByText(/platform\.openai\.com → Organization → Admin keys/)).toBeInTheDocument();
    const name = within(dialog).getByRole('textbox', { name: /^Name/ });
    await user.clear(name);
    await user.type(name, 'OpenAI production');
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(apiMock.requests('PUT', '/connections/1')).toHaveLength(1));
    expect(apiMock.requests('PUT', '/connections/1')[0]!.body).toEqual({ name: 'OpenAI production' });
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());

    dialog = await edit();
    const key = within(dialog).getByLabelText(/^Admin key/);
    expect(key).toHaveValue('');
    await user.type(key, 'sk-proj-abc');
    // A project key is not an admin key: a hint, not a block.
    expect(within(dialog).getByText(/usually starts with sk-admin-/)).toBeInTheDocument();
    await user.clear(key);
    await user.type(key, 'sk-admin-new');
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(apiMock.requests('PUT', '/connections/1')).toHaveLength(2));
    expect(apiMock.requests('PUT', '/connections/1')[1]!.body).toEqual({ credentials: { api_key: 'sk-admin-new' } });
  });

  it('syncs now and shows the counts, or the provider’s readable error', async () => {
    mockConnections([twilioConnection]);
    apiMock.once('POST', '/connections/2/sync', {
      run_id: 3, days: 31, created: 5, updated: 2, unchanged: 24, through: '2025-06-30',
    });
    const { user, table } = await openTable();
    await user.click(within(table).getByRole('button', { name: 'Sync Twilio main now' }));
    expect(await screen.findByText('31 days from the provider: 5 new, 2 updated, 24 unchanged (through 2025-06-30).'))
      .toBeInTheDocument();
    expect(screen.getByText('“Twilio main” synced')).toBeInTheDocument();

    apiMock.on('POST', '/connections/2/sync', {
      detail: 'Twilio answered 503 after 4 retries: Service Unavailable.',
    }, 502);
    const lists = apiMock.requests('GET', '/connections').length;
    await user.click(within(table).getByRole('button', { name: 'Sync Twilio main now' }));
    expect(await screen.findByText('Twilio answered 503 after 4 retries: Service Unavailable.')).toBeInTheDocument();
    expect(screen.getByText('“Twilio main” did not sync')).toBeInTheDocument();
    // The failed run changed the connection's status: the list is read again.
    await waitFor(() => expect(apiMock.requests('GET', '/connections').length).toBeGreaterThan(lists));
  });

  it('disables a connection, shows its run history and deletes it after asking', async () => {
    const rows = [twilioConnection];
    mockConnections(rows);
    apiMock.on('PUT', '/connections/2', (request) => ({ body: { ...twilioConnection, ...(request.body as object) } }))
      .on('GET', '/connections/2/runs', [
        syncRun({
          id: 2, status: 'error', trigger: 'schedule', error: 'Twilio refused the credentials (401).', days: 0, created: 0,
        }),
        syncRun({ id: 1 }),
      ])
      .on('DELETE', '/connections/2', () => {
        rows.splice(0, 1);
        return { status: 204 };
      });
    const { user, table } = await openTable();

    await user.click(within(table).getByRole('switch', { name: 'Enabled: Twilio main' }));
    await waitFor(() => expect(apiMock.requests('PUT', '/connections/2')).toHaveLength(1));
    expect(apiMock.requests('PUT', '/connections/2')[0]!.body).toEqual({ enabled: false });
    expect(await screen.findByText('Connection “Twilio main” disabled')).toBeInTheDocument();

    await user.click(within(table).getByRole('button', { name: 'More actions for Twilio main' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Sync history' }));
    const drawer = await screen.findByRole('dialog', { name: 'Sync history — Twilio main' });
    const runs = await within(drawer).findByRole('table', { name: 'Sync history of Twilio main' });
    const failed = within(runs).getAllByRole('row')[1]!;
    expect(within(failed).getByText('error')).toBeInTheDocument();
    expect(within(failed).getByText('Schedule')).toBeInTheDocument();
    expect(within(failed).getByText('Twilio refused the credentials (401).')).toBeInTheDocument();
    const ok = within(runs).getAllByRole('row')[2]!;
    expect(within(ok).getByText('2025-06-01 → 2025-06-29')).toBeInTheDocument();
    expect(within(ok).getByText('29 / 0 / 0')).toBeInTheDocument();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());

    await user.click(within(table).getByRole('button', { name: 'More actions for Twilio main' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Delete' }));
    const confirm = await screen.findByRole('dialog', { name: /Delete the connection “Twilio main”/ });
    expect(within(confirm).getByText(/The consumption it synced stays/)).toBeInTheDocument();
    expect(apiMock.requests('DELETE', '/connections/2')).toHaveLength(0);
    await user.click(within(confirm).getByRole('button', { name: 'Delete connection' }));
    await waitFor(() => expect(apiMock.requests('DELETE', '/connections/2')).toHaveLength(1));
    expect(await screen.findByText('No connections yet')).toBeInTheDocument();
  });
});
