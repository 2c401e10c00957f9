import {
  formatDate, formatDayMonth, formatDays, formatRunway, runwayLevel,
  formatMoney, formatMonth, formatPercent, formatYearMonth, isNegative, monthsUntil, signOf,
  toApiDate, toApiMonth, toChartNumber, toMonthParam,
} from './format';

describe('formatMoney', () => {
  it('formats decimal strings in the row currency without float drift', () => {
    expect(formatMoney('1234.50', 'USD')).toBe('$1,234.50');
    expect(formatMoney('1234.5', 'EUR')).toBe('€1,234.50');
    expect(formatMoney('9999999999.99', 'USD')).toBe('$9,999,999,999.99');
    expect(formatMoney('0.10', 'gbp')).toBe('£0.10');
    expect(formatMoney('-5.00', 'USD')).toBe('-$5.00');
  });

  it('shows a dash for missing values and survives unknown codes', () => {
    expect(formatMoney(null)).toBe('–');
    expect(formatMoney('')).toBe('–');
    expect(formatMoney('12.00', 'NOPE!')).toBe('12.00');
  });
});

describe('dates and months', () => {
  it('shows months as MMM YYYY', () => {
    expect(formatMonth('2025-07-01')).toBe('Jul 2025');
    expect(formatMonth('2025-07')).toBe('Jul 2025');
    expect(formatMonth(null)).toBe('–');
    expect(formatMonth('garbage')).toBe('garbage');
    expect(formatYearMonth(2024, 12)).toBe('Dec 2024');
  });

  it('uses YYYY-MM-DD for dates and API fields', () => {
    expect(formatDate('2025-07-09')).toBe('2025-07-09');
    expect(formatDate(undefined)).toBe('–');
    expect(toApiDate(new Date(2025, 0, 5))).toBe('2025-01-05');
    expect(toApiMonth('2025-03-17')).toBe('2025-03-01');
    expect(toMonthParam(new Date(2025, 10, 3))).toBe('2025-11');
  });

  it('counts months left, a started month counting as one', () => {
    const today = new Date(2025, 0, 15);
    expect(monthsUntil('2025-07-15', today)).toBe(6);
    expect(monthsUntil('2025-01-20', today)).toBe(1);
    expect(monthsUntil('2025-01-15', today)).toBe(0);
    expect(monthsUntil('2024-12-01', today)).toBe(0);
  });
});

describe('numbers for display', () => {
  it('reads the sign of a decimal string without arithmetic', () => {
    expect(signOf('12.3')).toBe(1);
    expect(signOf('-4.0')).toBe(-1);
    expect(signOf('0.0')).toBe(0);
    expect(signOf('-0.0')).toBe(0);
  });

  it('reads the sign of a decimal string', () => {
    expect(isNegative('-0.01')).toBe(true);
    expect(isNegative('-0.00')).toBe(false);
    expect(isNegative('12.00')).toBe(false);
    expect(isNegative(null)).toBe(false);
  });

  it('turns amounts into numbers only for charts', () => {
    expect(toChartNumber('12.30')).toBe(12.3);
    expect(toChartNumber('x')).toBe(0);
  });

  it("shows the server's percent change with its sign", () => {
    expect(formatPercent('12.3')).toBe('+12.3%');
    expect(formatPercent('-4.0')).toBe('-4.0%');
    expect(formatPercent('0.0')).toBe('0.0%');
  });
});

describe('runway', () => {
  it('words the server\'s days_left and runout_date', () => {
    expect(formatRunway(19, '2026-12-12')).toBe('Runs out 12 Dec 2026 · in 19 days');
    expect(formatRunway(1, '2026-12-02', false)).toBe('Runs out 2 Dec · in 1 day');
    expect(formatRunway(0, '2026-12-01')).toBe('Out of funds');
    expect(formatRunway(null, null)).toBe('Not burning (no use in 30 days)');
    expect(formatRunway(29999999999940, null)).toBe('in 29,999,999,999,940 days');
  });

  it('grades urgency', () => {
    expect([null, 0, 1, 7, 8, 14, 15, 30, 31].map(runwayLevel)).toEqual([
      'never', 'out', 'critical', 'critical', 'soon', 'soon', 'watch', 'watch', 'ok',
    ]);
  });

  it('formats days and dates', () => {
    expect(formatDays(1)).toBe('1 day');
    expect(formatDays(2)).toBe('2 days');
    expect(formatDayMonth('2026-12-12')).toBe('12 Dec 2026');
    expect(formatDayMonth(null)).toBe('–');
  });
});
