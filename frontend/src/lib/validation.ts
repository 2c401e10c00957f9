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
