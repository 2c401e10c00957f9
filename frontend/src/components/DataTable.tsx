/**
 * The one table of the app, paged, sorted and filtered by the server: TanStack
 * Table in its manual modes renders one page of rows, and `useServerTable`
 * holds the page, sort, search and column filters that the caller sends to the
 * API (`limit`/`offset`, `sort`, `q` and filter parameters), 20 rows per page,
 * the total coming from `X-Total-Count`. Wide tables scroll inside their own
 * container so the page never scrolls sideways.
 */
import {
  type ReactNode, useEffect, useMemo, useState,
} from 'react';
import {
  ActionIcon, Box, Button, Group, Indicator, Loader, Pagination, Popover, Select, Stack, Table, Text, TextInput,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import {
  IconArrowsSort, IconFilter, IconFilterOff, IconSearch, IconSortAscending, IconSortDescending,
} from '@tabler/icons-react';
import type { UseQueryResult } from '@tanstack/react-query';
import {
  type Column, type ColumnDef, type ColumnFiltersState, flexRender, getCoreRowModel, type PaginationState,
  type RowData, type SortingState, type Updater, useReactTable,
} from '@tanstack/react-table';
import type { Page } from '@/api/client';
import { ExportCsvButton } from './ExportCsvButton';
import { ErrorState, PageLoader } from './PageStates';

export interface FilterOption {
  value: string;
  label: string;
}

export interface FilterRenderProps {
  label: string;
  value: string | null;
  onChange: (value: string | null) => void;
}

declare module '@tanstack/react-table' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData extends RowData, TValue> {
    /**
     * A server-side filter on this column: 'text' (a text box), 'select' (one of
     * filterOptions) or 'custom' (renderFilter, e.g. a searchable select). The
     * value lands in `useServerTable().filters[column id]`. No filter by default.
     */
    filter?: 'text' | 'select' | 'custom';
    filterOptions?: (string | FilterOption)[];
    renderFilter?: (props: FilterRenderProps) => ReactNode;
    align?: 'left' | 'right' | 'center';
  }
}

export const PAGE_SIZE = 20;

export interface ServerTableOptions {
  initialSorting?: SortingState;
  /** Text the search box starts with (e.g. from a link on the dashboard). */
  initialSearch?: string;
  pageSize?: number;
}

export interface ServerTable<S extends string = string> {
  sorting: SortingState;
  setSorting: (updater: Updater<SortingState>) => void;
  columnFilters: ColumnFiltersState;
  setColumnFilters: (updater: Updater<ColumnFiltersState>) => void;
  /** The search box's text, as typed. */
  searchText: string;
  setSearchText: (text: string) => void;
  pagination: PaginationState;
  setPagination: (updater: Updater<PaginationState>) => void;
  clearFilters: () => void;
  anyFilter: boolean;
  /** What to send: `q` (debounced, trimmed), `sort` ("name", "-name"), column filters, limit and offset. */
  search: string | undefined;
  sort: S | undefined;
  filters: Record<string, string | undefined>;
  limit: number;
  offset: number;
}

function apply<T>(updater: Updater<T>, old: T): T {
  return typeof updater === 'function' ? (updater as (value: T) => T)(old) : updater;
}

/** `[{ id: 'name', desc: true }]` -> `"-name"`; the column ids are the API's sort fields. */
export function sortParam<S extends string>(sorting: SortingState): S | undefined {
  const [first] = sorting;
  if (!first) return undefined;
  return `${first.desc ? '-' : ''}${first.id}` as S;
}

/**
 * Page, sort, search and column filters of a server-side table. Any change but
 * paging goes back to the first page. `S` is the endpoint's sort type.
 */
export function useServerTable<S extends string = string>({
  initialSorting = [], initialSearch = '', pageSize = PAGE_SIZE,
}: ServerTableOptions = {}): ServerTable<S> {
  const [sorting, setSortingState] = useState<SortingState>(initialSorting);
  const [columnFilters, setFiltersState] = useState<ColumnFiltersState>([]);
  const [searchText, setSearchState] = useState(initialSearch);
  const [pagination, setPagination] = useState<PaginationState>({ pageIndex: 0, pageSize });
  const [debounced] = useDebouncedValue(searchText.trim(), 300);
  // The first search (e.g. from a link) is sent at once, not after the debounce.
  const search = (searchText.trim() === initialSearch.trim() ? searchText.trim() : debounced) || undefined;
  const firstPage = () => setPagination((old) => ({ ...old, pageIndex: 0 }));

  const filters = useMemo(
    () => Object.fromEntries(columnFilters.map((f) => [f.id, f.value === '' ? undefined : String(f.value)])),
    [columnFilters],
  );
  return {
    sorting,
    setSorting: (updater) => {
      setSortingState((old) => apply(updater, old));
      firstPage();
    },
    columnFilters,
    setColumnFilters: (updater) => {
      setFiltersState((old) => apply(updater, old));
      firstPage();
    },
    searchText,
    setSearchText: (text) => {
      setSearchState(text);
      firstPage();
    },
    pagination,
    setPagination,
    clearFilters: () => {
      setFiltersState([]);
      setSearchState('');
      firstPage();
    },
    anyFilter: columnFilters.length > 0 || searchText.trim() !== '',
    search,
    sort: sortParam<S>(sorting),
    filters,
    limit: pagination.pageSize,
    offset: pagination.pageIndex * pagination.pageSize,
  };
}

function optionOf(option: string | FilterOption): FilterOption {
  return typeof option === 'string' ? { value: option, label: option } : option;
}

function ColumnFilter<T>({ column, title }: { column: Column<T>; title: string }) {
  const { meta } = column.columnDef;
  const value = (column.getFilterValue() as string | undefined) ?? '';
  const active = value !== '';
  const label = `Filter ${title}`;
  const onChange = (next: string | null) => column.setFilterValue(next || undefined);
  let control: ReactNode;
  if (meta?.filter === 'custom' && meta.renderFilter) {
    control = meta.renderFilter({ label, value: value || null, onChange });
  } else if (meta?.filter === 'select') {
    control = (
      <Select
        label={label}
        data={(meta.filterOptions ?? []).map(optionOf)}
        value={value || null}
        onChange={onChange}
        clearable
        placeholder="Any"
        size="xs"
        comboboxProps={{ withinPortal: false }}
      />
    );
  } else {
    control = (
      <TextInput
        label={label}
        value={value}
        onChange={(event) => onChange(event.currentTarget.value)}
        placeholder="Contains…"
        size="xs"
        data-autofocus
      />
    );
  }
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
      <Popover.Dropdown miw={220}>{control}</Popover.Dropdown>
    </Popover>
  );
}

export interface DataTableProps<T> {
  /** The table's state, from `useServerTable`. */
  table: ServerTable;
  /** The query that loads the current page (with `placeholderData: keepPreviousData`). */
  query: UseQueryResult<Page<T>>;
  // Columns mix value types; tanstack's own examples type them this way.
  columns: ColumnDef<T, any>[];
  /** Accessible name of the table (also used for the search box). */
  label: string;
  getRowId?: (row: T) => string;
  /** In the table when a page has no rows. */
  emptyMessage?: ReactNode;
  /** Instead of the table when there is nothing at all (no filter, no rows). */
  emptyState?: ReactNode;
  toolbar?: ReactNode;
  /** Width below which the table scrolls inside its container. */
  minWidth?: number;
  withSearch?: boolean;
  searchPlaceholder?: string;
  loadingLabel?: string;
  /** Shows "Export CSV": download every row matching the current filters and sort. */
  onExport?: () => Promise<unknown>;
}

export function DataTable<T>({
  table: state, query, columns, label, getRowId, emptyMessage = 'Nothing here yet.', emptyState, toolbar,
  minWidth = 640, withSearch = true, searchPlaceholder = 'Search…', loadingLabel, onExport,
}: DataTableProps<T>) {
  const rows = query.data?.rows;
  const total = query.data?.total ?? 0;
  const { pageIndex, pageSize } = state.pagination;
  const { anyFilter } = state;

  // The total without filters, remembered from the last unfiltered page, for "(filtered from N)".
  const [unfilteredTotal, setUnfilteredTotal] = useState<number | null>(null);
  const settled = query.isSuccess && !query.isPlaceholderData;
  useEffect(() => {
    if (settled && !anyFilter) setUnfilteredTotal(total);
  }, [settled, anyFilter, total]);

  // After a delete the last page may be gone: show the new last page.
  const { setPagination } = state;
  useEffect(() => {
    if (settled && total > 0 && pageIndex * pageSize >= total) {
      setPagination((old) => ({ ...old, pageIndex: Math.ceil(total / pageSize) - 1 }));
    }
  }, [settled, total, pageIndex, pageSize, setPagination]);

  const reactTable = useReactTable<T>({
    data: rows ?? [],
    columns,
    getRowId,
    manualPagination: true,
    manualSorting: true,
    manualFiltering: true,
    enableMultiSort: false,
    rowCount: total,
    state: {
      sorting: state.sorting, columnFilters: state.columnFilters, pagination: state.pagination,
    },
    onSortingChange: state.setSorting,
    onColumnFiltersChange: state.setColumnFilters,
    onPaginationChange: state.setPagination,
    getCoreRowModel: getCoreRowModel(),
  });

  if (query.isPending) return <PageLoader label={loadingLabel} />;
  if (query.isError && !rows) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  if (emptyState && total === 0 && !anyFilter && settled) return emptyState;

  const first = total === 0 ? 0 : pageIndex * pageSize + 1;
  const last = Math.min(total, (pageIndex + 1) * pageSize);
  const filteredFrom = anyFilter && unfilteredTotal !== null && unfilteredTotal !== total
    ? ` (filtered from ${unfilteredTotal})` : '';
  const pageRows = reactTable.getRowModel().rows;

  return (
    <Stack gap="sm">
      {(withSearch || toolbar || anyFilter || onExport) && (
        <Group justify="space-between" gap="sm" wrap="wrap">
          {withSearch && (
            <TextInput
              aria-label={`Search ${label}`}
              placeholder={searchPlaceholder}
              leftSection={<IconSearch size={16} />}
              rightSection={query.isFetching && query.isPlaceholderData ? <Loader size={14} /> : undefined}
              value={state.searchText}
              onChange={(event) => state.setSearchText(event.currentTarget.value)}
              style={{ flex: '1 1 220px', maxWidth: 360 }}
            />
          )}
          {!withSearch && <span />}
          <Group gap="xs">
            {anyFilter && (
              <Button variant="subtle" size="xs" leftSection={<IconFilterOff size={14} />} onClick={state.clearFilters}>
                Clear filters
              </Button>
            )}
            {toolbar}
            {onExport && <ExportCsvButton onExport={onExport} what={label.toLowerCase()} />}
          </Group>
        </Group>
      )}

      {query.isError && <ErrorState error={query.error} onRetry={() => query.refetch()} />}

      <Table.ScrollContainer minWidth={minWidth} type="native">
        <Table
          striped
          highlightOnHover
          verticalSpacing="sm"
          horizontalSpacing="sm"
          aria-label={label}
          aria-busy={query.isFetching}
          style={{ opacity: query.isPlaceholderData ? 0.6 : 1, transition: 'opacity 120ms' }}
        >
          <Table.Thead>
            {reactTable.getHeaderGroups().map((group) => (
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
                  const headerText = (
                    <Text fw={600} size="sm">{flexRender(column.columnDef.header, header.getContext())}</Text>
                  );
                  return (
                    <Table.Th key={header.id} aria-sort={ariaSort} style={{ whiteSpace: 'nowrap' }}>
                      <Group gap={4} wrap="nowrap" justify={align === 'right' ? 'flex-end' : 'flex-start'}>
                        {column.getCanSort() ? (
                          <UnstyledButton
                            onClick={column.getToggleSortingHandler()}
                            aria-label={`Sort by ${title}`}
                            style={{ display: 'flex', alignItems: 'center', gap: 4 }}
                          >
                            {headerText}
                            <SortIcon size={14} opacity={sorted ? 1 : 0.45} />
                          </UnstyledButton>
                        ) : headerText}
                        {column.columnDef.meta?.filter && <ColumnFilter column={column} title={title} />}
                      </Group>
                    </Table.Th>
                  );
                })}
              </Table.Tr>
            ))}
          </Table.Thead>
          <Table.Tbody>
            {pageRows.map((row) => (
              <Table.Tr key={row.id}>
                {row.getVisibleCells().map((cell) => (
                  <Table.Td key={cell.id} ta={cell.column.columnDef.meta?.align}>
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
            {pageRows.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={reactTable.getVisibleLeafColumns().length}>
                  <Box py="lg" ta="center">
                    <Text c="dimmed" size="sm">{anyFilter ? 'No rows match the filters.' : emptyMessage}</Text>
                  </Box>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>

      {total > 0 && (
        <Group justify="space-between" gap="sm">
          <Text size="sm" c="dimmed">{`${first}–${last} of ${total}${filteredFrom}`}</Text>
          {reactTable.getPageCount() > 1 && (
            <Pagination
              size="sm"
              total={reactTable.getPageCount()}
              value={pageIndex + 1}
              onChange={(page) => reactTable.setPageIndex(page - 1)}
              getControlProps={(control) => ({ 'aria-label': `${control} page` })}
              getItemProps={(page) => ({ 'aria-label': `Page ${page}` })}
            />
          )}
        </Group>
      )}
    </Stack>
  );
}
