import { ApiError } from '@/api/client';

/** Form rules that mirror the API's: money as a plain decimal with at most two places. */
const MONEY = /^\d{1,10}(\.\d{1,2})?$/;

export function moneyError(value: string, { positive = false } = {}): string | null {
  const text = value.trim();
  if (!text) return 'Enter an amount';
  if (!MONEY.test(text)) return 'Use a plain amount with up to two decimals, like 1234.50';
  if (positive && /^0+(\.0+)?$/.test(text)) return 'Must be greater than zero';
  return null;
}

export function requiredError(value: unknown, message = 'Required'): string | null {
  return value === null || value === undefined || value === '' ? message : null;
}

/**
 * The field messages of a 422 answer, for a form's `setErrors`: each issue's
 * first `body` field (`["body", "thresholds", 1]` -> `thresholds`), renamed by
 * `fields` (API name -> form field; fields not listed keep their name), the
 * first issue of a field winning. Anything else (another status, an issue of
 * the whole body) gives no field: the toast already says it.
 */
export function fieldErrorsOf(error: unknown, fields: Record<string, string> = {}): Record<string, string> {
  if (!(error instanceof ApiError) || error.status !== 422 || !Array.isArray(error.detail)) return {};
  const errors: Record<string, string> = {};
  error.detail.forEach((issue: unknown) => {
    if (typeof issue !== 'object' || issue === null) return;
    const { loc, msg } = issue as { loc?: unknown; msg?: unknown };
    if (!Array.isArray(loc) || loc[0] !== 'body' || typeof loc[1] !== 'string' || typeof msg !== 'string') return;
    const field = fields[loc[1]] ?? loc[1];
    errors[field] ??= msg.replace(/^Value error, /, '');
  });
  return errors;
}
