import { apiMock } from '@/testing/api-mock';
import { setToken } from '@/lib/auth-token';
import { filenameOf } from '@/lib/download';
import { downloadCsv } from './csv';

function captureDownloads() {
  const saved: { name: string; blob: Blob }[] = [];
  let last: Blob | null = null;
  vi.stubGlobal('URL', Object.assign(URL, {
    createObjectURL: (blob: Blob) => {
      last = blob;
      return 'blob:test';
    },
    revokeObjectURL: () => undefined,
  }));
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function click(this: HTMLAnchorElement) {
    saved.push({ name: this.download, blob: last! });
  });
  return saved;
}

describe('downloadCsv', () => {
  it('asks for format=csv with the filters and the token, and saves the file by its name', async () => {
    setToken('abc');
    const saved = captureDownloads();
    apiMock.on('GET', '/invoices', () => ({
      body: 'id,amount',
      headers: { 'Content-Disposition': 'attachment; filename="invoices.csv"', 'Content-Type': 'text/csv' },
    }));
    await downloadCsv('/invoices', { service_id: 3, sort: '-amount', year: undefined });
    const [request] = apiMock.requests('GET', '/invoices');
    expect(request!.query.toString()).toBe('service_id=3&sort=-amount&format=csv');
    expect(request!.headers.get('Authorization')).toBe('Bearer abc');
    expect(saved.map((file) => file.name)).toEqual(['invoices.csv']);
    expect(await saved[0]!.blob.text()).toContain('id,amount');
  });

  it('names the file after the path when the server does not', async () => {
    const saved = captureDownloads();
    apiMock.on('GET', '/usage/events', () => ({ body: '' }));
    await downloadCsv('/usage/events', { service_id: 2 });
    expect(saved.map((file) => file.name)).toEqual(['usage-events.csv']);
  });

  it('fails with the API error', async () => {
    apiMock.on('GET', '/usage/events', { detail: 'Service 9 does not exist.' }, 404);
    await expect(downloadCsv('/usage/events', { service_id: 9 })).rejects.toMatchObject({ status: 404 });
  });
});

describe('filenameOf', () => {
  it('reads quoted, bare and encoded names', () => {
    expect(filenameOf('attachment; filename="a b.csv"', 'x')).toBe('a b.csv');
    expect(filenameOf('attachment; filename=plain.csv', 'x')).toBe('plain.csv');
    expect(filenameOf("attachment; filename*=UTF-8''caf%C3%A9.csv", 'x')).toBe('café.csv');
    expect(filenameOf(null, 'fallback.csv')).toBe('fallback.csv');
  });
});
