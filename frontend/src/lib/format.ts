/**
 * All display formatting in one place. Money arrives from the API as decimal
 * strings ("1234.50") and is formatted as such: Intl.NumberFormat accepts the
 * string, so no float rounding creeps in. The browser never adds money up.
 */
import dayjs from 'dayjs';
import { DEFAULT_CURRENCY } from './currencies';

export const LOCALE = 'en-US';

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string): Intl.NumberFormat {
  const code = (currency || DEFAULT_CURRENCY).toUpperCase();
  let format = moneyFormats.get(code);
  if (!format) {
    try {
      format = new Intl.NumberFormat(LOCALE, {
        style: 'currency', currency: code, minimumFractionDigits: 2, maximumFractionDigits: 2,
      });
    } catch {
      format = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    moneyFormats.set(code, format);
  }
  return format;
}

/** "1234.5" + "EUR" -> "€1,234.50". Empty values show as an en dash. */
export function formatMoney(value: string | null | undefined, currency: string = DEFAULT_CURRENCY): string {
  if (value === null || value === undefined || value === '') return '–';
  // Intl formats numeric strings exactly (no binary float in between).
  return moneyFormat(currency).format(value as unknown as number);
}

/** Whether a decimal string is below zero, read from its sign (no arithmetic). */
export function isNegative(value: string | null | undefined): boolean {
  return typeof value === 'string' && /^-\d*\.?\d*[1-9]/.test(value);
}

/** A decimal string as a number, for plotting only. */
export function toChartNumber(value: string | null | undefined): number {
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}

/** (2025, 7) -> "Jul 2025". */
export function formatYearMonth(year: number, month: number): string {
  return dayjs(new Date(year, month - 1, 1)).format('MMM YYYY');
}

/** "2025-07-01" (or "2025-07") -> "Jul 2025". */
export function formatMonth(value: string | null | undefined): string {
  if (!value) return '–';
  const match = /^(\d{4})-(\d{2})/.exec(value);
  if (!match) return value;
  return formatYearMonth(Number(match[1]), Number(match[2]));
}

/** Any date -> "YYYY-MM-DD". */
export function formatDate(value: string | Date | null | undefined): string {
  if (!value) return '–';
  const d = dayjs(value);
  return d.isValid() ? d.format('YYYY-MM-DD') : String(value);
}

/** Any date-time -> "YYYY-MM-DD HH:mm" (local time). */
export function formatDateTime(value: string | Date | null | undefined): string {
  if (!value) return '–';
  const d = dayjs(value);
  return d.isValid() ? d.format('YYYY-MM-DD HH:mm') : String(value);
}

/** A Date (or date string) -> the "YYYY-MM-DD" the API expects. */
export function toApiDate(value: string | Date): string {
  return dayjs(value).format('YYYY-MM-DD');
}

/** A Date (or date string) -> the first of its month, "YYYY-MM-01". */
export function toApiMonth(value: string | Date): string {
  return dayjs(value).startOf('month').format('YYYY-MM-DD');
}

/** A Date -> "YYYY-MM", the form of /summary/series parameters. */
export function toMonthParam(value: Date | dayjs.Dayjs): string {
  return dayjs(value).format('YYYY-MM');
}

/** Months left until a date, counting a started month as one (0 when past). */
export function monthsUntil(end: string, today: Date = new Date()): number {
  const target = dayjs(end);
  const now = dayjs(today).startOf('day');
  if (!target.isValid() || !target.isAfter(now)) return 0;
  return Math.max(1, Math.ceil(target.diff(now, 'month', true)));
}

/** The sign of a decimal string such as "12.3" or "-4.0": 1, -1 or 0 (read from the text, no arithmetic). */
export function signOf(value: string): 1 | -1 | 0 {
  if (!/[1-9]/.test(value)) return 0;
  return value.trim().startsWith('-') ? -1 : 1;
}

/** The server's percent change ("12.3", "-4.0") for display: "+12.3%", "-4.0%", "0.0%". */
export function formatPercent(value: string): string {
  return `${signOf(value) > 0 ? '+' : ''}${value.trim()}%`;
}

/** "2026-12-12" -> "12 Dec 2026" (or "12 Dec" without the year). */
export function formatDayMonth(value: string | null | undefined, withYear = true): string {
  if (!value) return '–';
  const d = dayjs(value);
  return d.isValid() ? d.format(withYear ? 'D MMM YYYY' : 'D MMM') : String(value);
}

/** 1 -> "1 day", 19 -> "19 days". */
export function formatDays(days: number): string {
  return days === 1 ? '1 day' : `${days.toLocaleString(LOCALE)} days`;
}

/** How urgent a prepaid runway is, from the server's `days_left`. */
export type RunwayLevel = 'out' | 'critical' | 'soon' | 'watch' | 'ok' | 'never';

export function runwayLevel(daysLeft: number | null): RunwayLevel {
  if (daysLeft === null) return 'never';
  if (daysLeft <= 0) return 'out';
  if (daysLeft <= 7) return 'critical';
  if (daysLeft <= 14) return 'soon';
  if (daysLeft <= 30) return 'watch';
  return 'ok';
}

/** The badge colour of each runway level. */
export const RUNWAY_COLORS: Record<RunwayLevel, string> = {
  out: 'red', critical: 'red', soon: 'orange', watch: 'yellow', ok: 'teal', never: 'gray',
};

/**
 * A runway in words, from the server's `days_left` and `runout_date`:
 * "Runs out 12 Dec 2026 · in 19 days", "Out of funds", "Not burning (no use in 30 days)".
 */
export function formatRunway(daysLeft: number | null, runoutDate: string | null, withYear = true): string {
  if (daysLeft === null) return 'Not burning (no use in 30 days)';
  if (daysLeft <= 0) return 'Out of funds';
  const date = runoutDate ? `Runs out ${formatDayMonth(runoutDate, withYear)} · ` : '';
  return `${date}in ${formatDays(daysLeft)}`;
}
