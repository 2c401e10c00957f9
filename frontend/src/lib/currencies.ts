/** ISO 4217 currency codes for the currency select, most used first. */
import { DEFAULT_CURRENCY } from '@/api/generated/defaults';

/**
 * The currency of a record that names none: the backend's own default, read
 * from its OpenAPI schema by `npm run gen:api` (so the two cannot drift).
 */
export { DEFAULT_CURRENCY };

const COMMON = ['USD', 'EUR', 'GBP', 'JPY', 'CHF', 'CAD', 'AUD', 'INR', 'CNY', 'SEK', 'NOK', 'DKK', 'PLN', 'BRL', 'MXN'];

// Used when the browser cannot list its currencies (Intl.supportedValuesOf is recent).
const FALLBACK = [
  'AED', 'ARS', 'AUD', 'BGN', 'BRL', 'CAD', 'CHF', 'CLP', 'CNY', 'COP', 'CZK', 'DKK', 'EGP', 'EUR', 'GBP',
  'HKD', 'HUF', 'IDR', 'ILS', 'INR', 'ISK', 'JPY', 'KRW', 'MXN', 'MYR', 'NGN', 'NOK', 'NZD', 'PHP', 'PKR',
  'PLN', 'RON', 'RUB', 'SAR', 'SEK', 'SGD', 'THB', 'TRY', 'TWD', 'UAH', 'USD', 'VND', 'ZAR',
];

function allCodes(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: string) => string[] };
  try {
    const codes = intl.supportedValuesOf?.('currency');
    if (codes && codes.length > 0) return codes;
  } catch {
    // fall through
  }
  return FALLBACK;
}

let names: Intl.DisplayNames | null = null;
function currencyName(code: string): string {
  try {
    names ??= new Intl.DisplayNames(['en'], { type: 'currency' });
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}

export interface CurrencyOption {
  value: string;
  label: string;
}

let cached: CurrencyOption[] | null = null;

/** Options for a select: "USD – US Dollar", the common ones first. */
export function currencyOptions(): CurrencyOption[] {
  if (!cached) {
    // The default currency first, then the common ones, then the rest alphabetically.
    const first = [DEFAULT_CURRENCY, ...COMMON.filter((code) => code !== DEFAULT_CURRENCY)];
    const rest = allCodes().filter((code) => !first.includes(code)).sort();
    cached = [...first, ...rest].map((code) => ({ value: code, label: `${code} – ${currencyName(code)}` }));
  }
  return cached;
}
