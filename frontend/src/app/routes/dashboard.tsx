/** /: the dashboard, composed from the dashboard feature's self-loading cards. */
import { SimpleGrid, Stack } from '@mantine/core';
import { PageHeader } from '@/components/PageHeader';
import { CommitmentsCard, LowBalanceCard, RunoutsCard } from '@/features/dashboard/AlertLists';
import { KpiCards } from '@/features/dashboard/KpiCards';
import { SpendCard } from '@/features/dashboard/SpendCard';

export function Component() {
  return (
    <Stack gap="lg">
      <PageHeader title="Dashboard" description="Where the money goes, and what needs attention" />
      <KpiCards />
      <SpendCard />
      <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }} spacing="md">
        <RunoutsCard />
        <CommitmentsCard />
        <LowBalanceCard />
      </SimpleGrid>
    </Stack>
  );
}
