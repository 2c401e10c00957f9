import { screen, within } from '@testing-library/react';
import { createColumnHelper } from '@tanstack/react-table';
import { renderWithProviders } from '@/testing/render';
import { DataTable } from './DataTable';

interface Row {
  id: number;
  name: string;
  kind: string;
  amount: string;
}

const column = createColumnHelper<Row>();
const columns = [
  column.accessor('name', { header: 'Name' }),
  column.accessor('kind', { header: 'Kind', meta: { filter: 'select', filterOptions: ['even', 'odd'] } }),
  column.accessor('amount', { header: 'Amount', sortingFn: 'decimal', meta: { align: 'right' } }),
];

const rows: Row[] = Array.from({ length: 45 }, (_, i) => ({
  id: i + 1,
  name: `Item ${String(i + 1).padStart(2, '0')}`,
  kind: (i + 1) % 2 === 0 ? 'even' : 'odd',
  amount: `${((i + 1) * 3) % 17}.50`,
}));

function bodyRows() {
  const table = screen.getByRole('table', { name: 'Things' });
  return within(table).getAllByRole('row').slice(1);
}

function firstCells() {
  return bodyRows().map((row) => within(row).getAllByRole('cell')[0]!.textContent);
}

describe('DataTable', () => {
  it('shows 20 rows a page and pages through the rest', async () => {
    const { user } = renderWithProviders(<DataTable label="Things" data={rows} columns={columns} getRowId={(r) => String(r.id)} />);
    expect(bodyRows()).toHaveLength(20);
    expect(screen.getByText('1–20 of 45')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Page 3' }));
    expect(bodyRows()).toHaveLength(5);
    expect(screen.getByText('41–45 of 45')).toBeInTheDocument();
  });

  it('sorts by a column, decimals numerically', async () => {
    const { user } = renderWithProviders(<DataTable label="Things" data={rows.slice(0, 5)} columns={columns} />);
    const header = screen.getByRole('columnheader', { name: /Amount/ });
    expect(header).toHaveAttribute('aria-sort', 'none');
    await user.click(screen.getByRole('button', { name: 'Sort by Amount' }));
    expect(header).toHaveAttribute('aria-sort', 'ascending');
    const amounts = bodyRows().map((row) => within(row).getAllByRole('cell')[2]!.textContent);
    expect(amounts).toEqual(['3.50', '6.50', '9.50', '12.50', '15.50']);
    await user.click(screen.getByRole('button', { name: 'Sort by Amount' }));
    expect(header).toHaveAttribute('aria-sort', 'descending');
    expect(bodyRows()[0]).toHaveTextContent('15.50');
  });

  it('filters with the search box and per column, and clears the filters', async () => {
    const { user } = renderWithProviders(<DataTable label="Things" data={rows} columns={columns} />);
    await user.type(screen.getByRole('textbox', { name: 'Search Things' }), 'Item 1');
    expect(firstCells()).toEqual(['Item 10', 'Item 11', 'Item 12', 'Item 13', 'Item 14', 'Item 15', 'Item 16', 'Item 17', 'Item 18', 'Item 19']);
    expect(screen.getByText('1–10 of 10 (filtered from 45)')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Filter by Kind' }));
    await user.click(screen.getByRole('textbox', { name: 'Filter Kind' }));
    await user.click(screen.getByRole('option', { name: 'even' }));
    expect(firstCells()).toEqual(['Item 10', 'Item 12', 'Item 14', 'Item 16', 'Item 18']);

    await user.click(screen.getByRole('button', { name: 'Filter by Name' }));
    await user.type(screen.getByRole('textbox', { name: 'Filter Name' }), 'zzz');
    expect(screen.getByText('No rows match the filters.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(bodyRows()).toHaveLength(20);
  });

  it('shows its empty message', () => {
    renderWithProviders(<DataTable label="Things" data={[]} columns={columns} emptyMessage="Nothing yet" withSearch={false} />);
    expect(screen.getByText('Nothing yet')).toBeInTheDocument();
    expect(screen.queryByRole('textbox')).not.toBeInTheDocument();
  });
});
