import {
  fireEvent, screen, waitFor, within,
} from '@testing-library/react';
import type { FocusGroup, FocusReport } from '@/api/types';
import { renderApp } from '@/testing/render';
import { FakeXhr } from '@/testing/fake-xhr';

beforeEach(() => {
  FakeXhr.sent = [];
  FakeXhr.replies = [];
  vi.stubGlobal('XMLHttpRequest', FakeXhr);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

const bill = () => new File(['BilledCost,BillingCurrency\n'], 'focus.csv', { type: 'text/csv' });

function group(fields: Partial<FocusGroup>): FocusGroup {
  return {
    provider: 'AWS',
    service: 'Amazon EC2',
    month: '2025-03-01',
    currency: 'USD',
    amount: '14.83',
    rows: 4,
    service_id: null,
    provider_id: null,
    invoice_id: null,
    previous_amount: null,
    action: 'create',
    error: null,
    ...fields,
  };
}

function report(fields: Partial<FocusReport>): FocusReport {
  return {
    focus_version: '1.2',
    file_format: 'csv',
    cost: 'billed',
    group_by: 'service',
    rows: 16,
    skipped: 3,
    skipped_reasons: [
      { reason: 'BilledCost is empty', column: 'BilledCost', rows: 1 },
      { reason: 'BillingCurrency is empty', column: 'BillingCurrency', rows: 2 },
    ],
    months: ['2025-03-01'],
    totals: [{
      month: '2025-03-01', currency: 'USD', amount: '35.83', groups: 2, file_amount: '34.83',
    }],
    groups: [
      group({}),
      group({
        service: 'Amazon S3', amount: '20.00', action: 'replace', previous_amount: '18.00', service_id: 7, invoice_id: 3,
      }),
      group({
        provider: 'Oracle', service: 'Compute', amount: '-1.00', action: 'skip', error: 'The month\'s total is negative.',
      }),
    ],
    counts: { create: 1, replace: 1, skip: 1 },
    conflicts: 0,
    committed: false,
    ...fields,
  };
}

function rowsOf(name: string): (string | null)[] {
  return within(screen.getByRole('table', { name })).getAllByRole('row').map((row) => row.textContent);
}

describe('FOCUS import', () => {
  it('previews a dropped export with the chosen options, then commits it', async () => {
    FakeXhr.replies.push(
      { status: 200, body: report({}) },
      { status: 200, body: report({ group_by: 'sub_account' }) },
      { status: 200, body: report({ committed: true }) },
    );
    const { user } = renderApp('/import');
    await user.click(await screen.findByRole('radio', { name: 'FOCUS billing export' }));
    expect(screen.queryByRole('button', { name: /template/ })).not.toBeInTheDocument();
    const zone = screen.getByRole('group', { name: 'Drop a FOCUS file here' });
    fireEvent.drop(zone, { dataTransfer: { files: [bill()] } });
    expect(await screen.findByText(/Uploading… \d+ %/)).toBeInTheDocument();
    expect(await screen.findByText('FOCUS 1.2')).toBeInTheDocument();
    expect(FakeXhr.sent[0]!.url).toBe('/api/imports/focus?dry_run=true&cost=billed&group_by=service');
    // The file itself is the body (no multipart form to parse on the server).
    expect((FakeXhr.sent[0]!.body as File).name).toBe('focus.csv');
    expect(FakeXhr.sent[0]!.headers['Content-Type']).toBe('application/octet-stream');
    expect(screen.getByText('16 rows')).toBeInTheDocument();
    expect(screen.getByText('3 skipped')).toBeInTheDocument();
    expect(screen.getByText('1 new')).toBeInTheDocument();
    expect(screen.getByText('1 replaced')).toBeInTheDocument();
    expect(screen.getByText('0 conflicts')).toBeInTheDocument();
    expect(rowsOf('Skipped rows')).toEqual([
      'Rows skippedWhy', '1BilledCost is empty', '2BillingCurrency is empty',
    ]);
    expect(rowsOf('Totals per month')).toEqual(['MonthCurrencyFile totalInvoicesInvoiced', 'Mar 2025USD$34.832$35.83']);
    expect(rowsOf('Invoices per service and month')).toEqual([
      'MonthProviderServiceAmountWhat happens',
      'Mar 2025AWSAmazon EC2$14.83New',
      'Mar 2025AWSAmazon S3$20.00Replaces$18.00',
      'Mar 2025OracleCompute-$1.00SkippedThe month\'s total is negative.',
    ]);

    // Another grouping sums the same file again.
    await user.click(screen.getByRole('radio', { name: 'Sub-account' }));
    await waitFor(() => expect(FakeXhr.sent).toHaveLength(2));
    expect(FakeXhr.sent[1]!.url).toBe('/api/imports/focus?dry_run=true&cost=billed&group_by=sub_account');

    const commit = await screen.findByRole('button', { name: 'Import 2 invoices' });
    await waitFor(() => expect(commit).toBeEnabled());
    await user.click(commit);
    expect(await screen.findByText('The invoices of focus.csv are stored.')).toBeInTheDocument();
    expect(FakeXhr.sent[2]!.url).toBe('/api/imports/focus?dry_run=false&cost=billed&group_by=sub_account');
  });

  it('shows conflicts, refuses the commit, and says why a file cannot be read', async () => {
    const conflict = group({
      action: 'conflict', error: 'The service already has an invoice for 2025-03 in EUR (id 4).', invoice_id: 4,
    });
    FakeXhr.replies.push(
      { status: 200, body: report({ groups: [conflict], counts: { conflict: 1 }, conflicts: 1 }) },
      {
        status: 422,
        body: { detail: [{ loc: ['body', 'file'], msg: 'row 2, column BilledCost: the cost is not a number.', type: 'value_error' }] },
      },
    );
    const { user } = renderApp('/import');
    await user.click(await screen.findByRole('radio', { name: 'FOCUS billing export' }));
    await user.click(screen.getByRole('radio', { name: 'Effective cost' }));
    const zone = screen.getByRole('group', { name: 'Drop a FOCUS file here' });
    fireEvent.drop(zone, { dataTransfer: { files: [bill()] } });
    expect(await screen.findByText('1 conflict')).toBeInTheDocument();
    expect(FakeXhr.sent[0]!.url).toContain('cost=effective');
    expect(screen.getByText('The service already has an invoice for 2025-03 in EUR (id 4).')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Import 0 invoices' })).toBeDisabled();

    fireEvent.drop(zone, { dataTransfer: { files: [bill()] } });
    expect(await screen.findByText('file: row 2, column BilledCost: the cost is not a number.')).toBeInTheDocument();
  });

  it('lays the invoices out in two columns on a phone, amounts in sight', async () => {
    // Only the phone query matches (the setup's matchMedia matches none).
    const desktop = window.matchMedia;
    vi.stubGlobal('matchMedia', (query: string) => ({ ...desktop(query), matches: query === '(max-width: 48em)' }));
    FakeXhr.replies.push({ status: 200, body: report({ counts: { create: 2, skip: 1 } }) });
    const { user } = renderApp('/import');
    await user.click(await screen.findByRole('radio', { name: 'FOCUS billing export' }));
    fireEvent.drop(screen.getByRole('group', { name: 'Drop a FOCUS file here' }), { dataTransfer: { files: [bill()] } });
    await screen.findByText('FOCUS 1.2');
    await waitFor(() => expect(rowsOf('Invoices per service and month')[0]).toBe('ServiceAmount'));
    expect(rowsOf('Invoices per service and month')).toEqual([
      'ServiceAmount',
      'Amazon EC2AWS · Mar 2025$14.83New',
      'Amazon S3AWS · Mar 2025$20.00Replaces$18.00',
      'ComputeOracle · Mar 2025The month\'s total is negative.-$1.00Skipped',
    ]);
    // The totals in three columns: the currency under the month, the count under the sum.
    expect(rowsOf('Totals per month')).toEqual(['MonthFile totalInvoiced', 'Mar 2025USD$34.83$35.832 invoices']);
    // A count of zero is grey, not coloured as news or a warning.
    const colour = (text: string) => screen.getByText(text).closest('.mantine-Badge-root')?.getAttribute('style');
    expect(colour('2 new')).toContain('teal');
    expect(colour('0 replaced')).toContain('gray');
    expect(colour('0 replaced')).not.toContain('yellow');
  });
});
