import { useEffect, useState } from 'react';
import {
  Button, Card, Group, Pagination, Select, Stack, Text, TextInput,
} from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { Link, useSearchParams } from 'react-router-dom';
import type { Balance } from '@/api/types';
import { useServerTable } from '@/components/DataTable';
import { EmptyState, ErrorState, PageLoader } from '@/components/PageStates';
import { PageHeader } from '@/components/PageHeader';
import { useBalance } from './api/get-balance';
import { type BalanceSort, useBalances } from './api/get-balances';
import { BalanceCard } from './BalanceCard';
import { type UsageEventKind, UsageEventModal } from './UsageEventModal';

/** Service cards per page. */
const CARDS_PER_PAGE = 10;

/** Runs out first is the default: the runway is what this page is for. */
const DEFAULT_SORT: BalanceSort = 'days_left';

const SORTS = [
  { value: 'days_left', label: 'Runs out first' },
  { value: 'provider_name', label: 'Sort by provider' },
  { value: 'service_name', label: 'Sort by service' },
  { value: 'balance', label: 'Lowest balance first' },
];

interface ModalState { opened: boolean; kind: UsageEventKind; balance: Balance | null }

interface UsageManagerProps {
  /** Service id -> the names of the provider connections that sync it (handed in by the route). */
  syncedServices?: ReadonlyMap<number, string[]>;
}

/**
 * Prepaid services as cards, searched, sorted and paged by the server
 * (`GET /usage/balances?q=&sort=&limit=&offset=`). `?service=N` (from the
 * dashboard) puts that service first, with its events open.
 */
export function UsageManager({ syncedServices }: UsageManagerProps = {}) {
  const [params] = useSearchParams();
  const focus = Number(params.get('service')) || null;
  const cards = useServerTable<BalanceSort>({
    pageSize: CARDS_PER_PAGE, initialSorting: [{ id: DEFAULT_SORT, desc: false }],
  });
  const balances = useBalances({
    q: cards.search, sort: cards.sort, limit: cards.limit, offset: cards.offset,
  });
  const focused = useBalance(focus);
  const [modal, setModal] = useState<ModalState>({ opened: false, kind: 'topup', balance: null });

  useEffect(() => {
    if (focus && focused.isSuccess) {
      document.getElementById(`service-${focus}`)?.scrollIntoView({ behavior: 'smooth', block: 'start' });
    }
  }, [focus, focused.isSuccess]);

  const onRecord = (kind: UsageEventKind, balance: Balance) => setModal({ opened: true, kind, balance });
  const total = balances.data?.total ?? 0;
  const { pageIndex } = cards.pagination;
  const pages = Math.ceil(total / CARDS_PER_PAGE);

  let content;
  if (balances.isPending) content = <PageLoader label="Loading balances…" />;
  else if (balances.isError && !balances.data) {
    content = <ErrorState error={balances.error} onRetry={() => balances.refetch()} />;
  } else if (total === 0 && !cards.anyFilter) {
    content = (
      <EmptyState title="No usage services" action={<Button component={Link} to="/services">Go to Services</Button>}>
        Create a service in the Usage category to track prepaid balances.
      </EmptyState>
    );
  } else {
    const rows = balances.data.rows.filter((balance) => balance.service_id !== focus);
    content = (
      <Stack gap="md" style={{ opacity: balances.isPlaceholderData ? 0.6 : 1 }}>
        {rows.map((balance) => (
          <BalanceCard
            key={balance.service_id}
            balance={balance}
            onRecord={onRecord}
            syncedBy={syncedServices?.get(balance.service_id)}
          />
        ))}
        {total === 0 && <Text c="dimmed" size="sm" ta="center">No usage service matches the search.</Text>}
        {total > 0 && (
          <Group justify="space-between" gap="sm">
            <Text size="sm" c="dimmed">
              {`${cards.offset + 1}–${Math.min(total, cards.offset + CARDS_PER_PAGE)} of ${total} usage services`}
            </Text>
            {pages > 1 && (
              <Pagination
                size="sm"
                total={pages}
                value={pageIndex + 1}
                onChange={(page) => cards.setPagination((old) => ({ ...old, pageIndex: page - 1 }))}
                getControlProps={(control) => ({ 'aria-label': `${control} page` })}
                getItemProps={(page) => ({ 'aria-label': `Page ${page}` })}
              />
            )}
          </Group>
        )}
      </Stack>
    );
  }

  return (
    <>
      <PageHeader title="Usage" description="Prepaid services: balances, top-ups and consumption" />
      <Stack gap="md">
        <Card padding="sm">
          <Group gap="sm" wrap="wrap">
            <TextInput
              aria-label="Search usage services"
              placeholder="Search by service…"
              leftSection={<IconSearch size={16} />}
              value={cards.searchText}
              onChange={(event) => cards.setSearchText(event.currentTarget.value)}
              style={{ flex: '1 1 220px', maxWidth: 360 }}
            />
            <Select
              aria-label="Sort usage services"
              data={SORTS}
              value={cards.sorting[0]?.id ?? DEFAULT_SORT}
              onChange={(value) => cards.setSorting(value ? [{ id: value, desc: false }] : [])}
              allowDeselect={false}
              w={190}
            />
          </Group>
        </Card>
        {focused.isError && <ErrorState error={focused.error} title="Could not load the service linked to" />}
        {focused.data && (
          <BalanceCard
            balance={focused.data}
            highlighted
            onRecord={onRecord}
            syncedBy={syncedServices?.get(focused.data.service_id)}
          />
        )}
        {content}
      </Stack>
      {modal.balance && (
        <UsageEventModal
          opened={modal.opened}
          onClose={() => setModal((current) => ({ ...current, opened: false }))}
          kind={modal.kind}
          target={modal.balance}
        />
      )}
    </>
  );
}
