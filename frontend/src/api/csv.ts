/**
 * `format=csv` downloads of any list or report: the same path and filters as the
 * table shows (limit and offset are ignored by the server: the whole selection
 * comes), fetched with the token and saved under the server's file name.
 */
import { filenameOf, saveBlob } from '@/lib/download';
import { api } from './client';
import type { paths } from './generated/schema';

/** The GET paths that answer `format=csv`. */
export type CsvPath = {
  [P in keyof paths]: paths[P] extends { get: { parameters: { query?: { format?: 'json' | 'csv' } } } } ? P : never;
}[keyof paths];

/** The filters of `GET path` (anything but `format`). */
export type CsvQuery<P extends CsvPath> = Omit<NonNullable<paths[P]['get']['parameters']['query']>, 'format'>;

type BlobGet = (path: string, init: {
  params: { query: Record<string, unknown> };
  parseAs: 'blob';
}) => Promise<{ data?: Blob; response: Response }>;

/** Fetch `GET path?format=csv&...` as a file and save it. */
export async function downloadCsv<P extends CsvPath>(path: P, query: CsvQuery<P>): Promise<void> {
  // The typed signature is this function's; openapi-fetch cannot follow a generic path.
  const get = api.GET as unknown as BlobGet;
  const { data, response } = await get(path, {
    params: { query: { ...(query as Record<string, unknown>), format: 'csv' } },
    parseAs: 'blob',
  });
  const fallback = `${path.replace(/^\//, '').replace(/[/{}]+/g, '-')}.csv`;
  saveBlob(data ?? new Blob([]), filenameOf(response.headers.get('Content-Disposition'), fallback));
}
