/**
 * The one table of the app: every column sortable, a search over all columns
 * and a filter per column, 20 rows per page. Wide tables scroll inside their
 * own container so the page never scrolls sideways.
 */
import { type ReactNode, useMemo, useState } from 'react';
import {
  ActionIcon, Box, Button, Group, Indicator, Pagination, Popover, Select, Stack, Table, Text, TextInput,
  UnstyledButton,
} from '@mantine/core';
import {
  IconArrowsSort, IconFilter, IconFilterOff, IconSearch, IconSortAscending, IconSortDescending,
} from '@tabler/icons-react';
import {
  type Cell, type Column, type ColumnDef, type ColumnFiltersState, type FilterFn, flexRender, getCoreRowModel,
  getFilteredRowModel, getPaginationRowModel, getSortedRowModel, type Row, type RowData,
  type SortingFn, type SortingState, useReactTable,
} from '@tanstack/react-table';
import { compareDecimal } from '@/lib/format';

declare module '@tanstack/react-table' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData extends RowData, TValue> {
    /** 'text' (default for accessor columns), 'select' (pick one of filterOptions) or false. */
    filter?: 'text' | 'select' | false;
    filterOptions?: string[];
    /** Text the filters match besides the raw value (e.g. "Jul 2025" for "2025-07-01"). */
    filterText?: (row: TData) => string;
    align?: 'left' | 'right' | 'center';
  }
  interface SortingFns {
    decimal: SortingFn<unknown>;
  }
  interface FilterFns {
    contains: FilterFn<unknown>;
    equals: FilterFn<unknown>;
  }
}

export const PAGE_SIZE = 20;

/**
 * Call a cell renderer as a plain function. (flexRender would mount it as a
 * component, and a column list rebuilt while editing would then remount the
 * inputs and lose their focus.) Cell renderers therefore must not use hooks.
 */
function renderCell<T>(cell: Cell<T, unknown>): ReactNode {
  const renderer = cell.column.columnDef.cell;
  if (typeof renderer === 'function') return renderer(cell.getContext()) as ReactNode;
  return flexRender(renderer, cell.getContext());
}

function cellText<T>(row: Row<T>, column: Column<T>): string {
  const raw = row.getValue(column.id);
  const extra = column.columnDef.meta?.filterText?.(row.original) ?? '';
  return `${raw ?? ''} ${extra}`.toLowerCase();
}

const containsFn: FilterFn<unknown> = (row, columnId, value) => {
  const needle = String(value ?? '').trim().toLowerCase();
  if (!needle) return true;
  const column = row.getAllCells().find((cell) => cell.column.id === columnId)?.column;
  return column ? cellText(row, column).includes(needle) : true;
};

const equalsFn: FilterFn<unknown> = (row, columnId, value) => (
  value === undefined || value === null || value === '' || String(row.getValue(columnId)) === String(value)
);

const decimalSort: SortingFn<unknown> = (a, b, columnId) => compareDecimal(
  a.getValue<string | null>(columnId),
  b.getValue<string | null>(columnId),
);

function ColumnFilter<T>({ column, title }: { column: Column<T>; title: string }) {
  const { meta } = column.columnDef;
  const value = (column.getFilterValue() as string | undefined) ?? '';
  const active = value !== '';
  return (
    <Popover position="bottom-start" shadow="md" withinPortal trapFocus>
      <Popover.Target>
        <Indicator disabled={!active} size={7} offset={4} color="indigo">
          <ActionIcon
            size="sm"
            variant={active ? 'light' : 'subtle'}
            color={active ? 'indigo' : 'gray'}
            aria-label={`Filter by ${title}`}
          >
            <IconFilter size={14} />
          </ActionIcon>
        </Indicator>
      </Popover.Target>
      <Popover.Dropdown>
        {meta?.filter === 'select' ? (
          <Select
            label={`Filter ${title}`}
            data={meta.filterOptions ?? []}
            value={value || null}
            onChange={(next) => column.setFilterValue(next ?? undefined)}
            clearable
            placeholder="Any"
            size="xs"
            comboboxProps={{ withinPortal: false }}
          />
        ) : (
          <TextInput
            label={`Filter ${title}`}
            value={value}
            onChange={(event) => column.setFilterValue(event.currentTarget.value || undefined)}
            placeholder="Contains…"
            size="xs"
            data-autofocus
          />
        )}
      </Popover.Dropdown>
    </Popover>
  );
}

export interface DataTableProps<T> {
  data: T[];
  // Columns mix value types; tanstack's own examples type them this way.

  columns: ColumnDef<T, any>[];
  /** Accessible name of the table (also used for the search box). */
  label: string;
  getRowId?: (row: T) => string;
  initialSorting?: SortingState;
  emptyMessage?: ReactNode;
  toolbar?: ReactNode;
  /** Width below which the table scrolls inside its container. */
  minWidth?: number;
  pageSize?: number;
  withSearch?: boolean;
  /** Text the search box starts with (e.g. from a link on the dashboard). */
  initialSearch?: string;
}

export function DataTable<T>({
  data, columns, label, getRowId, initialSorting = [], emptyMessage = 'Nothing here yet.', toolbar,
  minWidth = 640, pageSize = PAGE_SIZE, withSearch = true, initialSearch = '',
}: DataTableProps<T>) {
  const [sorting, setSorting] = useState<SortingState>(initialSorting);
  const [columnFilters, setColumnFilters] = useState<ColumnFiltersState>([]);
  const [globalFilter, setGlobalFilter] = useState(initialSearch);

  const preparedColumns = useMemo(() => columns.map((column) => {
    const filterFn: 'equals' | 'contains' = column.meta?.filter === 'select' ? 'equals' : 'contains';
    return { filterFn, ...column } as typeof column;
  }), [columns]);

  const table = useReactTable<T>({
    data,
    columns: preparedColumns,
    state: { sorting, columnFilters, globalFilter },
    onSortingChange: setSorting,
    onColumnFiltersChange: setColumnFilters,
    onGlobalFilterChange: setGlobalFilter,
    getRowId,
    sortingFns: { decimal: decimalSort as SortingFn<T> },
    filterFns: { contains: containsFn as FilterFn<T>, equals: equalsFn as FilterFn<T> },
    globalFilterFn: containsFn as FilterFn<T>,
    getColumnCanGlobalFilter: (column) => column.columnDef.meta?.filter !== false && Boolean(column.accessorFn),
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    getPaginationRowModel: getPaginationRowModel(),
    initialState: { pagination: { pageIndex: 0, pageSize } },
  });

  const filtered = table.getFilteredRowModel().rows.length;
  const { pageIndex } = table.getState().pagination;
  const first = filtered === 0 ? 0 : pageIndex * pageSize + 1;
  const last = Math.min(filtered, (pageIndex + 1) * pageSize);
  const anyFilter = columnFilters.length > 0 || globalFilter !== '';
  const { rows } = table.getRowModel();

  return (
    <Stack gap="sm">
      {(withSearch || toolbar) && (
        <Group justify="space-between" gap="sm" wrap="wrap">
          {withSearch && (
            <TextInput
              aria-label={`Search ${label}`}
              placeholder="Search…"
              leftSection={<IconSearch size={16} />}
              value={globalFilter}
              onChange={(event) => setGlobalFilter(event.currentTarget.value)}
              style={{ flex: '1 1 220px', maxWidth: 360 }}
            />
          )}
          <Group gap="xs">
            {anyFilter && (
              <Button
                variant="subtle"
                size="xs"
                leftSection={<IconFilterOff size={14} />}
                onClick={() => {
                  setColumnFilters([]);
                  setGlobalFilter('');
                }}
              >
                Clear filters
              </Button>
            )}
            {toolbar}
          </Group>
        </Group>
      )}

      <Table.ScrollContainer minWidth={minWidth} type="native">
        <Table striped highlightOnHover verticalSpacing="sm" horizontalSpacing="sm" aria-label={label}>
          <Table.Thead>
            {table.getHeaderGroups().map((group) => (
              <Table.Tr key={group.id}>
                {group.headers.map((header) => {
                  const { column } = header;
                  const title = typeof column.columnDef.header === 'string' ? column.columnDef.header : column.id;
                  const sorted = column.getIsSorted();
                  const align = column.columnDef.meta?.align ?? 'left';
                  let ariaSort: 'ascending' | 'descending' | 'none' | undefined;
                  if (column.getCanSort()) {
                    if (sorted === 'asc') ariaSort = 'ascending';
                    else if (sorted === 'desc') ariaSort = 'descending';
                    else ariaSort = 'none';
                  }
                  let SortIcon = IconArrowsSort;
                  if (sorted === 'asc') SortIcon = IconSortAscending;
                  if (sorted === 'desc') SortIcon = IconSortDescending;
                  const canFilter = column.getCanFilter() && column.columnDef.meta?.filter !== false;
                  return (
                    <Table.Th key={header.id} aria-sort={ariaSort} style={{ whiteSpace: 'nowrap' }}>
                      <Group gap={4} wrap="nowrap" justify={align === 'right' ? 'flex-end' : 'flex-start'}>
                        {column.getCanSort() ? (
                          <UnstyledButton
                            onClick={column.getToggleSortingHandler()}
                            aria-label={`Sort by ${title}`}
                            style={{ display: 'flex', alignItems: 'center', gap: 4 }}
                          >
                            <Text fw={600} size="sm">{flexRender(column.columnDef.header, header.getContext())}</Text>
                            <SortIcon size={14} opacity={sorted ? 1 : 0.45} />
                          </UnstyledButton>
                        ) : (
                          <Text fw={600} size="sm">{flexRender(column.columnDef.header, header.getContext())}</Text>
                        )}
                        {canFilter && <ColumnFilter column={column} title={title} />}
                      </Group>
                    </Table.Th>
                  );
                })}
              </Table.Tr>
            ))}
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.id}>
                {row.getVisibleCells().map((cell) => (
                  <Table.Td key={cell.id} ta={cell.column.columnDef.meta?.align}>
                    {renderCell(cell)}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
            {rows.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={table.getVisibleLeafColumns().length}>
                  <Box py="lg" ta="center">
                    <Text c="dimmed" size="sm">
                      {data.length === 0 ? emptyMessage : 'No rows match the filters.'}
                    </Text>
                  </Box>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>

      {filtered > 0 && (
        <Group justify="space-between" gap="sm">
          <Text size="sm" c="dimmed">
            {`${first}–${last} of ${filtered}${filtered !== data.length ? ` (filtered from ${data.length})` : ''}`}
          </Text>
          {table.getPageCount() > 1 && (
            <Pagination
              size="sm"
              total={table.getPageCount()}
              value={pageIndex + 1}
              onChange={(page) => table.setPageIndex(page - 1)}
              getControlProps={(control) => ({ 'aria-label': `${control} page` })}
              getItemProps={(page) => ({ 'aria-label': `Page ${page}` })}
            />
          )}
        </Group>
      )}
    </Stack>
  );
}
