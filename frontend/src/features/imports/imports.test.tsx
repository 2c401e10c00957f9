import {
  fireEvent, screen, waitFor, within,
} from '@testing-library/react';
import { apiMock } from '@/testing/api-mock';
import { renderApp, signIn } from '@/testing/render';
import { FakeXhr } from '@/testing/fake-xhr';
import { importCsv } from './api/import-csv';

beforeEach(() => {
  FakeXhr.sent = [];
  FakeXhr.replies = [];
  vi.stubGlobal('XMLHttpRequest', FakeXhr);
});

const csv = () => new File(['service_id,invoice_month,amount\n1,2025-01,10.00\n'], 'invoices.csv', { type: 'text/csv' });

describe('importCsv', () => {
  it('posts the file with the token and reads a refused commit as a report', async () => {
    signIn();
    FakeXhr.replies.push({
      status: 422,
      body: {
        rows: 1, valid: 0, committed: false, detail: 'Nothing was imported', errors: [{ row: 1, field: 'amount', message: 'bad' }],
      },
    });
    const progress: number[] = [];
    const result = await importCsv({
      kind: 'topups', file: csv(), dryRun: false, onProgress: (share) => progress.push(share),
    });
    expect(result.detail).toBe('Nothing was imported');
    expect(progress).toEqual([0.5]);
    const [sent] = FakeXhr.sent;
    expect(sent!.url).toBe('/api/imports/topups?dry_run=false');
    expect(sent!.headers.Authorization).toMatch(/^Bearer /);
    expect(((sent!.body as FormData).get('file') as File).name).toBe('invoices.csv');
  });

  it('rejects other failures with the server message', async () => {
    FakeXhr.replies.push({ status: 413, body: { detail: 'The request body is larger than the server accepts (10 bytes).' } });
    await expect(importCsv({ kind: 'invoices', file: csv(), dryRun: true }))
      .rejects.toMatchObject({ status: 413, message: 'The request body is larger than the server accepts (10 bytes).' });
  });
});

describe('ImportPage', () => {
  it('checks a dropped file, lists the bad rows, and commits a good one', async () => {
    FakeXhr.replies.push(
      {
        status: 200,
        body: {
          rows: 3,
          valid: 1,
          committed: false,
          errors: [
            { row: 0, field: 'colour', message: 'Unknown column' },
            { row: 2, field: 'amount', message: 'must have at most two decimals' },
            { row: 3, field: null, message: 'This record clashes with one already stored.' },
          ],
        },
      },
      {
        status: 200,
        body: {
          rows: 2, valid: 2, committed: false, errors: [],
        },
      },
      {
        status: 200,
        body: {
          rows: 2, valid: 2, committed: true, errors: [],
        },
      },
    );
    const { user } = renderApp('/import');
    expect(await screen.findByRole('heading', { name: 'Import', level: 1 })).toBeInTheDocument();
    await user.click(screen.getByRole('radio', { name: 'Consumption' }));
    const zone = screen.getByRole('group', { name: 'Drop a CSV file here' });
    fireEvent.drop(zone, { dataTransfer: { files: [csv()] } });
    expect(await screen.findByText(/Uploading… \d+ %/)).toBeInTheDocument();
    const table = await screen.findByRole('table', { name: 'Rows with errors' });
    const rows = within(table).getAllByRole('row');
    expect(rows.map((row) => row.textContent)).toEqual([
      'RowColumnProblem',
      'headercolourUnknown column',
      '2amountmust have at most two decimals',
      '3(whole row)This record clashes with one already stored.',
    ]);
    expect(screen.getByText('3 rows')).toBeInTheDocument();
    expect(screen.getByText('1 valid')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Import 3 row(s)' })).toBeDisabled();
    expect(FakeXhr.sent[0]!.url).toBe('/api/imports/consumption?dry_run=true');

    fireEvent.drop(zone, { dataTransfer: { files: [csv()] } });
    const commit = await screen.findByRole('button', { name: 'Import 2 row(s)' });
    await waitFor(() => expect(commit).toBeEnabled());
    await user.click(commit);
    expect(await screen.findByText('Every row of invoices.csv is stored.')).toBeInTheDocument();
    expect(FakeXhr.sent.map((sent) => sent.url).at(-1)).toBe('/api/imports/consumption?dry_run=false');
  });

  it('says why a file could not be read', async () => {
    FakeXhr.replies.push({
      status: 422,
      body: { detail: [{ loc: ['body', 'file'], msg: 'Line 2 of the file is not UTF-8 text.', type: 'value_error' }] },
    });
    renderApp('/import');
    const zone = await screen.findByRole('group', { name: 'Drop a CSV file here' });
    fireEvent.drop(zone, { dataTransfer: { files: [csv()] } });
    expect(await screen.findByText('file: Line 2 of the file is not UTF-8 text.')).toBeInTheDocument();
  });

  it('downloads the template of the chosen type with the token', async () => {
    const created: Blob[] = [];
    vi.stubGlobal('URL', Object.assign(URL, {
      createObjectURL: (blob: Blob) => {
        created.push(blob);
        return 'blob:x';
      },
      revokeObjectURL: () => undefined,
    }));
    apiMock.on('GET', '/imports/licenses/template', () => ({
      body: 'service_id\n',
      headers: { 'Content-Disposition': 'attachment; filename="licenses-template.csv"' },
    }));
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    const { user } = renderApp('/import');
    await user.click(await screen.findByRole('radio', { name: 'License plans' }));
    await user.click(screen.getByRole('button', { name: 'Download the license plans template' }));
    await waitFor(() => expect(click).toHaveBeenCalled());
    expect(created).toHaveLength(1);
    expect((click.mock.contexts[0] as HTMLAnchorElement).download).toBe('licenses-template.csv');
    const [request] = apiMock.requests('GET', '/imports/licenses/template');
    expect(request!.headers.get('Authorization')).toMatch(/^Bearer /);
  });
});
