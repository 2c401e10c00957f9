import {
  fireEvent, screen, waitFor, within,
} from '@testing-library/react';
import type { FxRate } from '@/api/types';
import { apiMock } from '@/testing/api-mock';
import { fxRate } from '@/testing/fixtures';
import { renderApp } from '@/testing/render';
import { mockFxRates } from '@/testing/scenarios';

function mockSettings(rows: FxRate[]) {
  mockFxRates(rows);
  apiMock.on('GET', '/auth/me', { email: 'admin@example.com' }).on('GET', '/tokens', [])
    .on('GET', '/notification-channels', []);
}

describe('Exchange rates in Settings', () => {
  it('shows the reporting currency, the data age and where each rate comes from', async () => {
    mockSettings([
      fxRate({ currency: 'EUR', rate: '0.8000000000', source: 'manual' }),
      fxRate({ currency: 'GBP', rate: '0.7524111926', bundled_rate: '0.7524111926' }),
      fxRate({
        currency: 'JPY', month: '2025-03-01', rate: '160.0000000000', source: 'import', bundled_rate: null,
      }),
    ]);
    renderApp('/settings');
    const card = await screen.findByRole('region', { name: 'Currencies and exchange rates' });
    expect(await within(card).findByText(/Every report is in USD/)).toBeInTheDocument();
    expect(within(card).getByText(/data up to/)).toHaveTextContent('2026-10-30');
    const table = within(card).getByRole('table', { name: 'Exchange rates' });
    const eur = within(table).getByRole('row', { name: /EUR/ });
    expect(within(eur).getByText('by hand')).toBeInTheDocument();
    expect(within(eur).getByText('0.8000000000')).toBeInTheDocument();
    expect(within(eur).getByText('0.8927413194')).toBeInTheDocument(); // the bundled one it replaces
    expect(within(eur).getByRole('button', { name: /Remove the rate of EUR/ })).toBeInTheDocument();
    const gbp = within(table).getByRole('row', { name: /GBP/ });
    expect(within(gbp).getByText('ECB bundled')).toBeInTheDocument();
    // A bundled rate can be overridden but not removed.
    expect(within(gbp).queryByRole('button', { name: /Remove/ })).not.toBeInTheDocument();
    expect(within(table).getByRole('row', { name: /JPY/ })).toHaveTextContent('imported');
  });

  it('searches the rates on the server', async () => {
    mockSettings([fxRate(), fxRate({ currency: 'GBP' })]);
    const { user } = renderApp('/settings');
    const table = await screen.findByRole('table', { name: 'Exchange rates' });
    await within(table).findByRole('row', { name: /GBP/ });
    await user.type(screen.getByRole('textbox', { name: /Search Exchange rates/i }), 'gbp');
    await waitFor(() => expect(within(table).queryByRole('row', { name: /EUR/ })).not.toBeInTheDocument());
    expect(apiMock.requests('GET', '/fx-rates').at(-1)!.query.get('q')).toBe('gbp');
  });

  it('edits a month\'s rate with PUT', async () => {
    const rows = [fxRate()];
    mockSettings(rows);
    apiMock.on('PUT', '/fx-rates/EUR/2026-10', (request) => {
      const { rate } = request.body as { rate: string };
      rows[0] = fxRate({ rate: `${rate}000000`, source: 'manual' });
      return { body: rows[0] };
    });
    const { user } = renderApp('/settings');
    await user.click(await screen.findByRole('button', { name: /Edit the rate of EUR/ }));
    const dialog = await screen.findByRole('dialog', { name: 'Exchange rate' });
    const rate = within(dialog).getByRole('textbox', { name: /^Rate/ });
    await user.clear(rate);
    await user.type(rate, '0.12345678901');
    await user.click(within(dialog).getByRole('button', { name: 'Save rate' }));
    expect(await within(dialog).findByText(/at most 10 decimals/)).toBeInTheDocument();
    await user.clear(rate);
    await user.type(rate, '0.8');
    await user.click(within(dialog).getByRole('button', { name: 'Save rate' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Exchange rate' })).not.toBeInTheDocument());
    expect(apiMock.requests('PUT', '/fx-rates/EUR/2026-10')[0]!.body).toEqual({ rate: '0.8' });
    const table = screen.getByRole('table', { name: 'Exchange rates' });
    expect(await within(table).findByText('by hand')).toBeInTheDocument();
  });

  it('imports an ECB CSV file', async () => {
    mockSettings([]);
    apiMock.on('POST', '/imports/fx-rates', {
      reporting_currency: 'USD', days: 3, imported: 5, kept_manual: 1, currencies: ['EUR', 'GBP', 'JPY'], first_month: '2025-02-01', last_month: '2025-03-01',
    }, 201);
    renderApp('/settings');
    await screen.findByRole('table', { name: 'Exchange rates' });
    const input = document.querySelector<HTMLInputElement>('input[type="file"]')!;
    const file = new File(['Date,USD,\n2025-03-03,1.1,\n'], 'eurofxref-hist.csv', { type: 'text/csv' });
    fireEvent.change(input, { target: { files: [file] } });
    expect(await screen.findByText(/5 monthly rate\(s\) from 3 day\(s\); 1 entered by hand kept/)).toBeInTheDocument();
    const [upload] = apiMock.requests('POST', '/imports/fx-rates');
    expect(upload!.headers.get('Content-Type')).toMatch(/^multipart\/form-data; boundary=/);
  });
});
