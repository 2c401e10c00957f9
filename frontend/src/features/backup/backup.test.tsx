import {
  fireEvent, screen, waitFor, within,
} from '@testing-library/react';
import { apiMock } from '@/testing/api-mock';
import { renderApp } from '@/testing/render';
import { mockFxRates } from '@/testing/scenarios';

function mockSettings() {
  mockFxRates([]);
  apiMock.on('GET', '/auth/me', { email: 'admin@example.com' }).on('GET', '/tokens', [])
    .on('GET', '/notification-channels', []);
}

const RESTORED = {
  schema_revision: '0010',
  created_at: '2025-07-14T09:30:00Z',
  secrets: false,
  tables: { service_category: 3, provider: 9, service: 9 },
};

async function chooseBackup() {
  const card = await screen.findByRole('region', { name: 'Backup' });
  const input = card.querySelector<HTMLInputElement>('input[type="file"]')!;
  const file = new File(['PK'], 'costwatch-backup.zip', { type: 'application/zip' });
  fireEvent.change(input, { target: { files: [file] } });
  return card;
}

describe('Backup in Settings', () => {
  it('downloads the backup with the token, with secrets only when asked', async () => {
    mockSettings();
    const saved: Blob[] = [];
    vi.stubGlobal('URL', Object.assign(URL, {
      createObjectURL: (blob: Blob) => {
        saved.push(blob);
        return 'blob:x';
      },
      revokeObjectURL: () => undefined,
    }));
    apiMock.on('GET', '/backup', () => ({
      body: 'zip',
      headers: { 'Content-Disposition': 'attachment; filename="costwatch-backup-20250715-101500.zip"' },
    }));
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    const { user } = renderApp('/settings');
    const card = await screen.findByRole('region', { name: 'Backup' });

    await user.click(within(card).getByRole('button', { name: 'Download backup' }));
    await waitFor(() => expect(click).toHaveBeenCalledTimes(1));
    await user.click(within(card).getByRole('checkbox', { name: /With connections/ }));
    await user.click(within(card).getByRole('button', { name: 'Download backup' }));
    await waitFor(() => expect(click).toHaveBeenCalledTimes(2));

    expect(saved).toHaveLength(2);
    expect((click.mock.contexts[0] as HTMLAnchorElement).download).toBe('costwatch-backup-20250715-101500.zip');
    const [plain, withSecrets] = apiMock.requests('GET', '/backup');
    expect(plain!.query.get('secrets')).toBe('false');
    expect(withSecrets!.query.get('secrets')).toBe('true');
    expect(plain!.headers.get('Authorization')).toMatch(/^Bearer /);
  });

  it('restores a file only after a confirmation, and says what came back', async () => {
    mockSettings();
    apiMock.on('POST', '/restore', RESTORED);
    const { user } = renderApp('/settings');

    await chooseBackup();
    const dialog = await screen.findByRole('dialog', { name: 'Restore costwatch-backup.zip?' });
    expect(apiMock.requests('POST', '/restore')).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Restore backup' }));

    const card = screen.getByRole('region', { name: 'Backup' });
    expect(await within(card).findByText(/21 records in 3 tables/)).toBeInTheDocument();
    const [upload] = apiMock.requests('POST', '/restore');
    expect(upload!.headers.get('Content-Type')).toMatch(/^multipart\/form-data; boundary=/);
  });

  it('sends nothing when the restore is cancelled', async () => {
    mockSettings();
    const { user } = renderApp('/settings');
    await chooseBackup();
    const dialog = await screen.findByRole('dialog', { name: /Restore/ });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(apiMock.requests('POST', '/restore')).toHaveLength(0);
  });

  it.each([
    [
      422,
      { detail: [{ type: 'value_error', loc: ['file', 'provider.csv', 2, 'name'], msg: 'provider.csv, row 2, column `name`: too long' }] },
      'provider.csv, row 2, column `name`: too long',
    ],
    [409, { detail: 'A backup is restored only into an empty ledger.' }, 'A backup is restored only into an empty ledger.'],
  ])('shows why a restore was refused (%i)', async (status, body, message) => {
    mockSettings();
    apiMock.on('POST', '/restore', body, status);
    const { user } = renderApp('/settings');
    await chooseBackup();
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Restore backup' }));
    const card = screen.getByRole('region', { name: 'Backup' });
    const alert = await within(card).findByRole('alert');
    expect(alert).toHaveTextContent('Nothing was restored');
    expect(alert).toHaveTextContent(message);
  });
});
