import { screen, waitFor, within } from '@testing-library/react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import type { Page } from '@/api/client';
import { renderWithProviders } from '@/testing/render';
import { DataTable, sortParam, useServerTable } from './DataTable';

interface Row {
  id: number;
  name: string;
  kind: string;
  amount: string;
}

const column = createColumnHelper<Row>();
const columns = [
  column.accessor('name', { header: 'Name', meta: { filter: 'text' } }),
  column.accessor('kind', { header: 'Kind', meta: { filter: 'select', filterOptions: ['even', 'odd'] } }),
  column.accessor('amount', { header: 'Amount', meta: { align: 'right' } }),
  column.display({ id: 'note', header: 'Note', cell: () => 'n/a' }),
];

const rows: Row[] = Array.from({ length: 45 }, (_, i) => ({
  id: i + 1,
  name: `Item ${String(i + 1).padStart(2, '0')}`,
  kind: (i + 1) % 2 === 0 ? 'even' : 'odd',
  amount: `${((i + 1) * 3) % 17}.50`,
}));

interface Params {
  q?: string;
  name?: string;
  kind?: string;
  sort?: string;
  limit: number;
  offset: number;
}

/** The parameters the table sent, in order. */
let calls: Params[] = [];

/** What the API does with the parameters the table sends. */
async function server(data: Row[], params: Params): Promise<Page<Row>> {
  calls.push(params);
  let found = data.filter((row) => (!params.q || row.name.includes(params.q))
    && (!params.name || row.name.includes(params.name))
    && (!params.kind || row.kind === params.kind));
  if (params.sort) {
    const desc = params.sort.startsWith('-');
    const field = params.sort.replace('-', '') as keyof Row;
    found = [...found].sort((a, b) => {
      const order = field === 'amount' ? Number(a.amount) - Number(b.amount) : String(a[field]).localeCompare(String(b[field]));
      return desc ? -order : order;
    });
  }
  return { rows: found.slice(params.offset, params.offset + params.limit), total: found.length };
}

function Things({ data = rows, initialSearch = '' }: { data?: Row[]; initialSearch?: string }) {
  const table = useServerTable({ initialSearch });
  const params: Params = {
    q: table.search,
    name: table.filters.name,
    kind: table.filters.kind,
    sort: table.sort,
    limit: table.limit,
    offset: table.offset,
  };
  const query = useQuery({
    queryKey: ['things', data.length, params],
    queryFn: () => server(data, params),
    placeholderData: keepPreviousData,
  });
  return <DataTable label="Things" table={table} query={query} columns={columns} getRowId={(r) => String(r.id)} emptyMessage="Nothing yet" />;
}

function bodyRows() {
  const table = screen.getByRole('table', { name: 'Things' });
  return within(table).getAllByRole('row').slice(1);
}

function firstCells() {
  return bodyRows().map((row) => within(row).getAllByRole('cell')[0]!.textContent);
}

function lastParams(): Params {
  return calls.at(-1)!;
}

describe('DataTable', () => {
  beforeEach(() => {
    calls = [];
  });

  it('shows 20 rows a page and asks the server for the next pages', async () => {
    const { user } = renderWithProviders(<Things />);
    expect(await screen.findByText('1–20 of 45')).toBeInTheDocument();
    expect(bodyRows()).toHaveLength(20);
    expect(lastParams()).toMatchObject({ limit: 20, offset: 0 });
    await user.click(screen.getByRole('button', { name: 'Page 3' }));
    expect(await screen.findByText('41–45 of 45')).toBeInTheDocument();
    expect(bodyRows()).toHaveLength(5);
    expect(lastParams()).toMatchObject({ limit: 20, offset: 40 });
  });

  it('sorts on the server by the column, ascending then descending', async () => {
    const { user } = renderWithProviders(<Things data={rows.slice(0, 5)} />);
    await screen.findByText('1–5 of 5');
    const header = screen.getByRole('columnheader', { name: /Amount/ });
    expect(header).toHaveAttribute('aria-sort', 'none');
    expect(screen.getByRole('columnheader', { name: 'Note' })).not.toHaveAttribute('aria-sort');
    await user.click(screen.getByRole('button', { name: 'Sort by Amount' }));
    expect(header).toHaveAttribute('aria-sort', 'ascending');
    await waitFor(() => expect(lastParams().sort).toBe('amount'));
    await waitFor(() => {
      const amounts = bodyRows().map((row) => within(row).getAllByRole('cell')[2]!.textContent);
      expect(amounts).toEqual(['3.50', '6.50', '9.50', '12.50', '15.50']);
    });
    await user.click(screen.getByRole('button', { name: 'Sort by Amount' }));
    expect(header).toHaveAttribute('aria-sort', 'descending');
    await waitFor(() => expect(bodyRows()[0]).toHaveTextContent('15.50'));
    expect(lastParams().sort).toBe('-amount');
  });

  it('sends the search box and the column filters, and clears them', async () => {
    const { user } = renderWithProviders(<Things />);
    await screen.findByText('1–20 of 45');
    await user.type(screen.getByRole('textbox', { name: 'Search Things' }), 'Item 1');
    expect(await screen.findByText('1–10 of 10 (filtered from 45)')).toBeInTheDocument();
    expect(firstCells()).toEqual(['Item 10', 'Item 11', 'Item 12', 'Item 13', 'Item 14', 'Item 15', 'Item 16', 'Item 17', 'Item 18', 'Item 19']);
    expect(lastParams().q).toBe('Item 1');

    await user.click(screen.getByRole('button', { name: 'Filter by Kind' }));
    await user.click(screen.getByRole('textbox', { name: 'Filter Kind' }));
    await user.click(screen.getByRole('option', { name: 'even' }));
    await waitFor(() => expect(firstCells()).toEqual(['Item 10', 'Item 12', 'Item 14', 'Item 16', 'Item 18']));
    expect(lastParams().kind).toBe('even');

    await user.click(screen.getByRole('button', { name: 'Filter by Name' }));
    await user.type(screen.getByRole('textbox', { name: 'Filter Name' }), 'zzz');
    expect(await screen.findByText('No rows match the filters.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(bodyRows()).toHaveLength(20));
    expect(lastParams()).toMatchObject({ q: undefined, name: undefined, kind: undefined });
  });

  it('starts with a search from a link, sent at once', async () => {
    renderWithProviders(<Things initialSearch="Item 4" />);
    expect(await screen.findByText('1–6 of 6')).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Search Things' })).toHaveValue('Item 4');
    expect(calls.every((params) => params.q === 'Item 4')).toBe(true);
  });

  it('shows its empty message', async () => {
    renderWithProviders(<Things data={[]} />);
    expect(await screen.findByText('Nothing yet')).toBeInTheDocument();
  });

  it('turns a sorting state into the API sort parameter', () => {
    expect(sortParam([])).toBeUndefined();
    expect(sortParam([{ id: 'name', desc: false }])).toBe('name');
    expect(sortParam([{ id: 'amount', desc: true }])).toBe('-amount');
  });
});
