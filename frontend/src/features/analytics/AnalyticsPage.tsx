import { useState } from 'react';
import {
  Card, Group, Select, SimpleGrid, Stack, Text, Title,
} from '@mantine/core';
import dayjs from 'dayjs';
import { PageHeader } from '@/components/PageHeader';
import { ErrorState, PageLoader } from '@/components/PageStates';
import { formatMoney, formatYearMonth } from '@/lib/format';
import { useDailyUsage } from './api/get-daily-usage';
import { useSpendByService } from './api/get-spend-by-service';
import { DailyUsageChart } from './DailyUsageChart';
import { ServiceDoughnut } from './ServiceDoughnut';

/** Days of usage plotted. */
export const DAILY_DAYS = 30;

/** This month and the 11 before it, newest first, as "YYYY-MM" options. */
function monthOptions(today = dayjs()) {
  return Array.from({ length: 12 }, (_, i) => {
    const d = today.subtract(i, 'month');
    return { value: d.format('YYYY-MM'), label: formatYearMonth(d.year(), d.month() + 1) };
  });
}

function ByServiceCard() {
  const options = monthOptions();
  const [month, setMonth] = useState(options[0]!.value);
  const [year, number] = month.split('-').map(Number) as [number, number];
  const report = useSpendByService(year, number);
  return (
    <Card component="section" aria-labelledby="by-service-title">
      <Group justify="space-between" mb="sm" gap="xs">
        <Title order={2} fz="lg" id="by-service-title">Cost by service</Title>
        <Select
          aria-label="Month"
          data={options}
          value={month}
          onChange={(value) => value && setMonth(value)}
          allowDeselect={false}
          w={140}
          size="xs"
        />
      </Group>
      {report.isPending && <PageLoader label="Loading costs…" />}
      {report.isError && <ErrorState error={report.error} onRetry={() => report.refetch()} />}
      {report.data && report.data.services.length === 0 && (
        <Text size="sm" c="dimmed">No spend recorded in this month.</Text>
      )}
      {report.data && report.data.services.length > 0 && (
        <>
          <ServiceDoughnut report={report.data} />
          <Text size="sm" c="dimmed" mt="xs">
            {`Total ${formatMoney(report.data.total, report.data.currency)}`}
            {report.data.unconverted.length > 0 && ` · left out (no exchange rate): ${report.data.unconverted
              .map((item) => `${item.service_name} ${formatMoney(item.amount, item.currency)}`).join(', ')}`}
          </Text>
        </>
      )}
    </Card>
  );
}

function DailyUsageCard() {
  const report = useDailyUsage(DAILY_DAYS);
  return (
    <Card component="section" aria-labelledby="daily-usage-title">
      <Group justify="space-between" mb="sm" gap="xs">
        <Title order={2} fz="lg" id="daily-usage-title">Daily usage cost</Title>
        <Text size="sm" c="dimmed">{`Last ${DAILY_DAYS} days`}</Text>
      </Group>
      {report.isPending && <PageLoader label="Loading usage…" />}
      {report.isError && <ErrorState error={report.error} onRetry={() => report.refetch()} />}
      {report.data && (
        <>
          <DailyUsageChart report={report.data} />
          <Text size="sm" c="dimmed" mt="xs">
            {`Total ${formatMoney(report.data.total, report.data.currency)}`}
            {report.data.unconverted.length > 0 && ` · left out (no exchange rate): ${report.data.unconverted
              .map((item) => formatMoney(item.amount, item.currency)).join(', ')}`}
          </Text>
        </>
      )}
    </Card>
  );
}

/** /analytics: cost by service for a month, and usage cost per day over the last 30 days. */
export function AnalyticsPage() {
  return (
    <Stack gap="lg">
      <PageHeader title="Analytics" description="Which services cost the most, and how usage moves day by day" />
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <ByServiceCard />
        <DailyUsageCard />
      </SimpleGrid>
    </Stack>
  );
}
