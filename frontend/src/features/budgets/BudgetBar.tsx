/**
 * One budget's month as a bar: the part spent, the part the forecast adds by the
 * month's end (lighter, striped), and a tick at each threshold. The server gives
 * every figure (percents as one-decimal strings); the browser turns them into
 * widths only.
 */
import {
  Badge, Box, Group, Progress, Text, Tooltip, VisuallyHidden,
} from '@mantine/core';
import type { BudgetStatus } from '@/api/types';
import { formatMoney, toChartNumber } from '@/lib/format';

/** Beyond this percent the bar is simply full: a budget spent 5 times over needs no wider bar. */
export const SCALE_CAP = 200;

/** The percent at the bar's right end: 100, or more for a higher threshold, spend or forecast (up to the cap). */
export function barScale(status: BudgetStatus): number {
  const highest = Math.max(
    100,
    ...status.thresholds,
    toChartNumber(status.percent_spent),
    toChartNumber(status.percent_forecast),
  );
  return Math.min(highest, SCALE_CAP);
}

/** Red once a threshold of 100 % or more is crossed, orange for a lower one, teal before any. */
export function thresholdColor(threshold: number): string {
  return threshold >= 100 ? 'red' : 'orange';
}

export function spentColor(status: BudgetStatus): string {
  const highest = status.crossed.at(-1);
  return highest === undefined ? 'teal' : thresholdColor(highest);
}

function forecastColor(status: BudgetStatus): string {
  const highest = status.forecast_crosses.at(-1);
  return highest === undefined ? spentColor(status) : thresholdColor(highest);
}

type ThresholdState = 'crossed' | 'expected' | 'ahead';

function thresholdState(status: BudgetStatus, threshold: number): ThresholdState {
  if (status.crossed.includes(threshold)) return 'crossed';
  if (status.forecast_crosses.includes(threshold)) return 'expected';
  return 'ahead';
}

const STATE_WORDS: Record<ThresholdState, string> = {
  crossed: 'crossed',
  expected: 'expected by the month’s end',
  ahead: 'not reached',
};

/** The thresholds as badges: crossed ones filled in their colour, those the forecast reaches outlined. */
export function ThresholdBadges({ status }: { status: BudgetStatus }) {
  return (
    <Group gap={4} component="ul" aria-label={`Thresholds of ${status.name}`} style={{ listStyle: 'none', padding: 0, margin: 0 }}>
      {status.thresholds.map((threshold) => {
        const state = thresholdState(status, threshold);
        let variant = 'light';
        if (state === 'crossed') variant = 'filled';
        if (state === 'expected') variant = 'outline';
        return (
          <li key={threshold}>
            <Badge size="sm" variant={variant} color={state === 'ahead' ? 'gray' : thresholdColor(threshold)}>
              {`${threshold} %`}
              <VisuallyHidden>{` ${STATE_WORDS[state]}`}</VisuallyHidden>
            </Badge>
          </li>
        );
      })}
    </Group>
  );
}

interface BudgetBarProps {
  status: BudgetStatus;
  /** A thinner bar without the labels under the ticks (the dashboard's card). */
  compact?: boolean;
}

export function BudgetBar({ status, compact = false }: BudgetBarProps) {
  const scale = barScale(status);
  const at = (percent: number) => (Math.min(Math.max(percent, 0), scale) / scale) * 100;
  const spent = at(toChartNumber(status.percent_spent));
  const forecast = Math.max(at(toChartNumber(status.percent_forecast)) - spent, 0);
  const color = spentColor(status);
  const height = compact ? 10 : 16;
  return (
    <Box pos="relative" pb={compact ? 0 : 18} mt={compact ? 4 : 6}>
      <Progress.Root size={height} radius="sm" aria-hidden={compact ? true : undefined}>
        <Progress.Section
          value={spent}
          color={color}
          withAria={false}
          role="progressbar"
          aria-label={`${status.name}: spent`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={toChartNumber(status.percent_spent)}
          aria-valuetext={`${status.percent_spent} % of ${formatMoney(status.amount, status.currency)} spent`}
        />
        {forecast > 0 && (
          <Progress.Section
            value={forecast}
            color={`${forecastColor(status)}.3`}
            striped
            withAria={false}
            title={`Forecast: ${status.percent_forecast} % by the month’s end`}
          />
        )}
      </Progress.Root>
      {status.thresholds.filter((threshold) => threshold <= scale).map((threshold) => {
        const state = thresholdState(status, threshold);
        const left = at(threshold);
        return (
          <Tooltip key={threshold} label={`${threshold} % · ${STATE_WORDS[state]}`} withArrow>
            <Box
              aria-hidden
              data-threshold={threshold}
              pos="absolute"
              top={-3}
              h={height + 6}
              w={2}
              left={`calc(${left}% - 1px)`}
              // The text colour, outlined in the page's: visible on any part of the bar.
              style={{
                background: 'var(--mantine-color-text)',
                boxShadow: '0 0 0 1px var(--mantine-color-body)',
                opacity: state === 'ahead' ? 0.45 : 0.85,
                borderRadius: 1,
              }}
            >
              {!compact && (
                <Text
                  size="10px"
                  c={state === 'ahead' ? 'dimmed' : `${thresholdColor(threshold)}.7`}
                  fw={state === 'crossed' ? 700 : 400}
                  pos="absolute"
                  top={height + 6}
                  style={{
                    whiteSpace: 'nowrap',
                    // Keep the labels at the ends inside the bar's width.
                    transform: `translateX(${left > 92 ? '-100%' : '-50%'})`,
                    left: left > 92 ? 2 : 1,
                  }}
                >
                  {`${threshold}%`}
                </Text>
              )}
            </Box>
          </Tooltip>
        );
      })}
    </Box>
  );
}
