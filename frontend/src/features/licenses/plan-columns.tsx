/**
 * Columns every plan table shows the same way: seats, unit cost and the monthly cost the
 * server computed (the browser multiplies nothing).
 */
import { Text } from '@mantine/core';
import { createColumnHelper } from '@tanstack/react-table';
import type { LicensePlan } from '@/api/types';
import { MoneyText } from '@/components/MoneyText';

export const planColumn = createColumnHelper<LicensePlan>();

export function planCostColumns() {
  return [
    planColumn.accessor('qty', { header: 'Qty', meta: { align: 'right' } }),
    planColumn.accessor('monthly_unit_cost', {
      header: 'Unit cost',
      meta: { align: 'right' },
      cell: ({ row: { original } }) => <MoneyText value={original.monthly_unit_cost} currency={original.currency} />,
    }),
    planColumn.accessor('monthly_cost', {
      header: 'Monthly cost',
      meta: { align: 'right' },
      cell: ({ row: { original } }) => (
        <>
          <MoneyText value={original.monthly_cost} currency={original.currency} fw={600} />
          {original.billing_cycle === 'annual' && (
            <Text size="xs" c="dimmed" title="12 months are paid at once, in the start month and on each anniversary">
              paid yearly
            </Text>
          )}
        </>
      ),
    }),
  ];
}
