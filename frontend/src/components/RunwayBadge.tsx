import { Badge, type BadgeProps } from '@mantine/core';
import { IconHourglassLow } from '@tabler/icons-react';
import { RUNWAY_COLORS, formatRunway, runwayLevel } from '@/lib/format';

interface RunwayBadgeProps extends Omit<BadgeProps, 'color' | 'children'> {
  daysLeft: number | null;
  runoutDate: string | null;
  withYear?: boolean;
}

/** When a prepaid balance runs out at its 30-day burn, coloured by how soon (all from the server). */
export function RunwayBadge({
  daysLeft, runoutDate, withYear = true, style, ...props
}: RunwayBadgeProps) {
  const level = runwayLevel(daysLeft);
  return (
    <Badge
      color={RUNWAY_COLORS[level]}
      variant={level === 'out' || level === 'critical' ? 'filled' : 'light'}
      leftSection={<IconHourglassLow size={14} />}
      data-runway={level}
      tt="none"
      style={{ ...(typeof style === 'object' ? style : {}), textTransform: 'none' }}
      {...props}
    >
      {formatRunway(daysLeft, runoutDate, withYear)}
    </Badge>
  );
}
