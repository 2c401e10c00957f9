import { Badge, Tooltip } from '@mantine/core';
import { formatDate, monthsUntil } from '@/lib/format';

/** "Commitment: N months left" while an annual commitment runs; nothing after it. */
export function CommitmentBadge({ end }: { end: string | null | undefined }) {
  if (!end) return null;
  const months = monthsUntil(end);
  if (months <= 0) return null;
  return (
    <Tooltip label={`Annual commitment until ${formatDate(end)}`}>
      <Badge
        color={months <= 3 ? 'orange' : 'grape'}
        variant="light"
        tt="none"
        style={{ flexShrink: 0, maxWidth: 'none' }}
        styles={{ label: { overflow: 'visible' } }}
      >
        {`Commitment: ${months} ${months === 1 ? 'month' : 'months'} left`}
      </Badge>
    </Tooltip>
  );
}
