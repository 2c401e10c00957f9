import { screen, waitFor, within } from '@testing-library/react';
import type { ApiToken } from '@/api/types';
import { apiMock, listReply } from '@/testing/api-mock';
import { apiToken } from '@/testing/fixtures';
import { renderApp } from '@/testing/render';
import { mockFxRates } from '@/testing/scenarios';

const SECRET = 'cw_ab12cd34ef56gh78ij90';

function mockTokens(rows: ApiToken[]) {
  mockFxRates();
  apiMock.on('GET', '/auth/me', { email: 'admin@example.com' })
    .on('GET', '/tokens', listReply(rows))
    .on('GET', '/notification-channels', []);
}

describe('API tokens', () => {
  it('creates a token, shows it once and lists it', async () => {
    const rows: ApiToken[] = [];
    mockTokens(rows);
    apiMock.on('POST', '/tokens', (request) => {
      const body = request.body as { name: string; scope: 'read' | 'write' };
      const created = apiToken({
        id: 7, name: body.name, scope: body.scope, prefix: 'cw_ab12',
      });
      rows.unshift(created);
      return { status: 201, body: { ...created, token: SECRET } };
    });
    const { user } = renderApp('/settings');
    const table = await screen.findByRole('table', { name: 'API tokens' });
    expect(within(table).getByText('No API tokens yet.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'New API token' }));
    const dialog = await screen.findByRole('dialog', { name: 'New API token' });
    expect(within(dialog).getByText(/Read only/)).toBeInTheDocument();
    await user.type(within(dialog).getByRole('textbox', { name: /^Name/ }), 'ci deploy');
    await user.click(within(dialog).getByRole('textbox', { name: /^Scope/ }));
    await user.click(await screen.findByRole('option', { name: 'Write' }));
    await user.click(within(dialog).getByRole('button', { name: 'Create token' }));

    const shown = await screen.findByRole('dialog', { name: 'Your new API token' });
    expect(within(shown).getByText(SECRET)).toBeInTheDocument();
    expect(within(shown).getByText(/will not be shown again/)).toBeInTheDocument();
    expect(within(shown).getByRole('button', { name: 'Copy' })).toBeInTheDocument();
    expect(apiMock.requests('POST', '/tokens')[0]!.body).toEqual({ name: 'ci deploy', scope: 'write', expires_at: null });

    await user.click(within(shown).getByRole('button', { name: 'Done, I have copied it' }));
    await waitFor(() => expect(screen.queryByText(SECRET)).not.toBeInTheDocument());
    const row = await within(table).findByRole('row', { name: /ci deploy/ });
    expect(within(row).getByText('write')).toBeInTheDocument();
    expect(within(row).getByText('cw_ab12…')).toBeInTheDocument();
    expect(within(row).getAllByText('never')).toHaveLength(2);
    expect(screen.queryByText(SECRET)).not.toBeInTheDocument();
  });

  it('asks before revoking a token, then calls DELETE', async () => {
    const rows = [apiToken({ id: 5, name: 'nightly export', expires_at: '2026-01-31T23:59:59Z' })];
    mockTokens(rows);
    apiMock.on('DELETE', '/tokens/5', () => {
      rows.splice(0, 1);
      return { status: 204 };
    });
    const { user } = renderApp('/settings');
    const table = await screen.findByRole('table', { name: 'API tokens' });
    const row = await within(table).findByRole('row', { name: /nightly export/ });
    expect(within(row).getByText('2026-01-31')).toBeInTheDocument();

    await user.click(within(row).getByRole('button', { name: 'Revoke nightly export' }));
    const confirm = await screen.findByRole('dialog', { name: /Revoke the token "nightly export"/ });
    expect(apiMock.requests('DELETE', '/tokens/5')).toHaveLength(0);
    await user.click(within(confirm).getByRole('button', { name: 'Revoke token' }));
    await waitFor(() => expect(apiMock.requests('DELETE', '/tokens/5')).toHaveLength(1));
    expect(await within(table).findByText('No API tokens yet.')).toBeInTheDocument();
  });
});
