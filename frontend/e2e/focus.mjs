/**
 * A FOCUS file summed by hand, for the browser test of the FOCUS import: a small
 * RFC 4180 reader and exact decimal arithmetic (BigInt units, never a float), so
 * the page's totals are checked against sums made independently of the server.
 */

/** Decimal places every cost is scaled to (the server sums as DECIMAL(38,18)). */
const SCALE = 18;
const UNIT = 10n ** BigInt(SCALE);
const CENT = 10n ** BigInt(SCALE - 2);

/**
 * The records of a CSV text: each a list of fields `{ value, start, end }`, where
 * start and end are the field's raw offsets in the text (quotes included).
 * Quoted fields may hold commas, doubled quotes and line breaks.
 */
export function parseCsv(text) {
  const records = [];
  let fields = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    const start = i;
    let value = '';
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        if (i >= text.length) throw new Error(`an unclosed quote from offset ${start}`);
        if (text[i] === '"') {
          if (text[i + 1] !== '"') break;
          value += '"';
          i += 2;
        } else {
          value += text[i];
          i += 1;
        }
      }
      i += 1;
    } else {
      while (i < text.length && !',\r\n'.includes(text[i])) i += 1;
      value = text.slice(start, i);
    }
    fields.push({ value, start, end: i });
    if (text[i] === ',') {
      i += 1;
    } else {
      if (text[i] === '\r') i += 1;
      if (text[i] === '\n') i += 1;
      records.push(fields);
      fields = [];
      if (i >= text.length) return records;
    }
  }
}

/** A plain decimal ("-0.00001605990") as a BigInt count of 10^-18. */
export function toUnits(text) {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || `${match[2]}${match[3] ?? ''}` === '') throw new Error(`not a plain decimal: ${text}`);
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > SCALE) throw new Error(`more than ${SCALE} decimals: ${text}`);
  const units = BigInt(whole || '0') * UNIT + BigInt(fraction.padEnd(SCALE, '0') || '0');
  return sign === '-' ? -units : units;
}

/** Units rounded to cents, half away from zero (Python's ROUND_HALF_UP, as invoices round). */
export function toCents(units) {
  const magnitude = units < 0n ? -units : units;
  const cents = (magnitude + CENT / 2n) / CENT;
  return units < 0n ? -cents : cents;
}

/** Cents as the API writes money: "16.04", "-0.15". */
export function formatCents(cents) {
  const magnitude = cents < 0n ? -cents : cents;
  const text = `${magnitude / 100n}.${String(magnitude % 100n).padStart(2, '0')}`;
  return cents < 0n ? `-${text}` : text;
}

/** A displayed amount ("$1,234.56", "-$0.15") as cents, from its digits alone. */
export function displayedCents(text) {
  const negative = /^[\s]*[-\u2212]/.test(text);
  const match = /(\d[\d,]*)\.(\d{2})(?!\d)/.exec(text);
  if (!match) throw new Error(`no amount in ${JSON.stringify(text)}`);
  const cents = BigInt(match[1].replaceAll(',', '')) * 100n + BigInt(match[2]);
  return negative ? -cents : cents;
}

function isNull(value) {
  const trimmed = value.trim();
  return trimmed === '' || trimmed === 'NULL';
}

/**
 * Sum a FOCUS CSV's BilledCost per provider, service, billing month and currency,
 * exactly, then round each sum once to cents. `months`: per month and currency, the
 * invoices an import stores (a negative month is skipped), their count and their cents
 * added up; `monthsUnrounded`: every charge of the month summed exactly, rounded once.
 */
export function sumFocus(text, costColumn = 'BilledCost') {
  const [header, ...rows] = parseCsv(text);
  const names = header.map((field) => field.value.trim());
  const index = (...wanted) => wanted.map((name) => names.indexOf(name)).find((i) => i >= 0) ?? -1;
  const columns = {
    cost: index(costColumn),
    provider: index('ServiceProviderName', 'ProviderName'),
    service: index('ServiceName'),
    period: index('BillingPeriodStart'),
    currency: index('BillingCurrency'),
  };
  Object.entries(columns).forEach(([key, i]) => {
    if (i < 0) throw new Error(`the file has no ${key} column`);
  });
  const groups = new Map();
  const exactMonths = new Map();
  let skipped = 0;
  rows.forEach((fields, row) => {
    const cell = (key) => fields[columns[key]]?.value ?? '';
    if (fields.length !== names.length) throw new Error(`row ${row + 1} has ${fields.length} fields`);
    if (['cost', 'period', 'currency'].some((key) => isNull(cell(key)))) {
      skipped += 1;
      return;
    }
    const units = toUnits(cell('cost').trim());
    const month = cell('period').trim().slice(0, 7);
    const currency = cell('currency').trim().toUpperCase();
    const provider = cell('provider').trim();
    const service = cell('service').trim();
    const key = [month, provider, service, currency].join('|');
    const group = groups.get(key) ?? {
      month, provider, service, currency, units: 0n,
    };
    group.units += units;
    groups.set(key, group);
    const monthKey = `${month}|${currency}`;
    exactMonths.set(monthKey, (exactMonths.get(monthKey) ?? 0n) + units);
  });
  const months = new Map([...exactMonths.keys()].map((key) => [key, { cents: 0n, invoices: 0 }]));
  groups.forEach((group) => {
    Object.assign(group, { cents: toCents(group.units) });
    if (group.cents < 0n) return;
    const month = months.get(`${group.month}|${group.currency}`);
    month.cents += group.cents;
    month.invoices += 1;
  });
  const monthsUnrounded = new Map([...exactMonths].map(([key, units]) => [key, toCents(units)]));
  return {
    rows: rows.length, skipped, groups, months, monthsUnrounded,
  };
}

/** The text with one cell (row 1 = the first after the header) replaced by `value`, raw. */
export function replaceCell(text, row, column, value) {
  const [header, ...rows] = parseCsv(text);
  const at = header.findIndex((field) => field.value.trim() === column);
  const field = rows[row - 1]?.[at];
  if (at < 0 || !field) throw new Error(`no cell at row ${row}, column ${column}`);
  return `${text.slice(0, field.start)}${value}${text.slice(field.end)}`;
}
