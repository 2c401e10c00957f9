/** Sample API answers, shaped like the backend's (money as decimal strings). */
import dayjs from 'dayjs';
import type {
  AlertEvent, ApiToken, AuditEntry, Balance, Budget, BudgetStatus, Category, CommitmentAlert, Connection, Consumption,
  Forecast, FxInfo, FxRate, Invoice, LicensePlan, LowBalanceAlert, Overview, Provider, Service, Summary, SyncRun, Topup,
  UsageEvent,
} from '@/api/types';

const stamp = { created_at: '2025-01-01T00:00:00Z', updated_at: '2025-01-01T00:00:00Z' };

export const categories: Category[] = [
  {
    id: 1, code: 'infrastructure', name: 'Infrastructure', description: null, ...stamp,
  },
  {
    id: 2, code: 'license', name: 'User License', description: null, ...stamp,
  },
  {
    id: 3, code: 'usage', name: 'Usage', description: null, ...stamp,
  },
];

export const providers: Provider[] = [
  {
    id: 1, name: 'AWS', website: null, ...stamp,
  },
  {
    id: 2, name: 'Microsoft', website: null, ...stamp,
  },
  {
    id: 3, name: 'OpenAI', website: null, ...stamp,
  },
];

export function service(overrides: Partial<Service> = {}): Service {
  return {
    id: 1,
    provider_id: 1,
    category_id: 1,
    name: 'AWS Production',
    description: 'Main account',
    active: true,
    provider_name: 'AWS',
    category_name: 'Infrastructure',
    category_code: 'infrastructure',
    ...stamp,
    ...overrides,
  };
}

export const services: Service[] = [
  service(),
  service({
    id: 2, provider_id: 2, category_id: 2, name: 'Microsoft 365', description: null, provider_name: 'Microsoft', category_name: 'User License', category_code: 'license',
  }),
  service({
    id: 3, provider_id: 3, category_id: 3, name: 'OpenAI API', description: 'Tokens', provider_name: 'OpenAI', category_name: 'Usage', category_code: 'usage',
  }),
];

export function plan(overrides: Partial<LicensePlan> = {}): LicensePlan {
  return {
    id: 10,
    service_id: 2,
    monthly_unit_cost: '12.50',
    qty: 25,
    start_month: dayjs().subtract(3, 'month').startOf('month').format('YYYY-MM-DD'),
    end_month: null,
    annual_commitment_end: dayjs().add(5, 'month').format('YYYY-MM-DD'),
    currency: 'USD',
    billing_cycle: 'monthly',
    service_name: 'Microsoft 365',
    provider_name: 'Microsoft',
    monthly_cost: '312.50',
    ...stamp,
    ...overrides,
  };
}

export function invoice(overrides: Partial<Invoice> = {}): Invoice {
  return {
    id: 100, service_id: 1, invoice_month: '2025-06-01', amount: '1234.50', currency: 'USD', ...stamp, ...overrides,
  };
}

export function balance(overrides: Partial<Balance> = {}): Balance {
  return {
    service_id: 3,
    service_name: 'OpenAI API',
    provider_name: 'OpenAI',
    active: true,
    currency: 'USD',
    total_topups: '500.00',
    total_consumed: '450.00',
    balance: '50.00',
    last_topup_date: '2025-06-01',
    last_topup_amount: '500.00',
    threshold_percent: '20',
    threshold_amount: '100.00',
    low_balance: true,
    daily_burn: '15.00',
    days_left: 3,
    runout_date: dayjs().add(3, 'day').format('YYYY-MM-DD'),
    ...overrides,
  };
}

export function usageEvent(overrides: Partial<UsageEvent> = {}): UsageEvent {
  return {
    kind: 'topup', id: 1, service_id: 3, day: '2025-06-01', amount: '500.00', currency: 'USD', ...overrides,
  };
}

export function topup(overrides: Partial<Topup> = {}): Topup {
  return {
    id: 1, service_id: 3, topup_date: '2025-06-01', amount_purchased: '500.00', currency: 'USD', ...stamp, ...overrides,
  };
}

export function consumption(overrides: Partial<Consumption> = {}): Consumption {
  return {
    id: 1, service_id: 3, consumption_date: '2025-06-15', amount_consumed: '450.00', currency: 'USD', source: null, ...stamp, ...overrides,
  };
}

export function lowBalance(overrides: Partial<LowBalanceAlert> = {}): LowBalanceAlert {
  return {
    service_id: 3,
    service_name: 'OpenAI API',
    provider_name: 'OpenAI',
    currency: 'USD',
    balance: '50.00',
    last_topup_amount: '500.00',
    last_topup_date: '2025-06-01',
    threshold_amount: '100.00',
    threshold_percent: '20',
    ...overrides,
  };
}

export function commitment(overrides: Partial<CommitmentAlert> = {}): CommitmentAlert {
  return {
    id: 10,
    service_id: 2,
    service_name: 'Microsoft 365',
    provider_name: 'Microsoft',
    annual_commitment_end: dayjs().add(20, 'day').format('YYYY-MM-DD'),
    days_remaining: 20,
    monthly_cost: '312.50',
    currency: 'USD',
    qty: 25,
    ...overrides,
  };
}

/** One summary per month from `start` (YYYY-MM), amounts growing a little each month. */
export function summarySeries(start: string, months: number): Summary[] {
  return Array.from({ length: months }, (_, i) => {
    const d = dayjs(`${start}-01`).add(i, 'month');
    const infra = (1000 + i * 10).toFixed(2);
    return {
      year: d.year(),
      month: d.month() + 1,
      currency: 'USD',
      view: 'accrual',
      total: (1000 + i * 10 + 312.5 + 40).toFixed(2),
      by_category: [
        {
          category_id: 1, code: 'infrastructure', category: 'Infrastructure', amount: infra,
        },
        {
          category_id: 2, code: 'license', category: 'User License', amount: '312.50',
        },
        {
          category_id: 3, code: 'usage', category: 'Usage', amount: '40.00',
        },
      ],
      by_currency: [{
        currency: 'USD', amount: (1000 + i * 10 + 312.5 + 40).toFixed(2), rate: '1.0000000000', converted: (1000 + i * 10 + 312.5 + 40).toFixed(2),
      }],
      unconverted: [],
    };
  });
}

/**
 * This month's forecast as the server sends it: the overview's month so far
 * (1120.00 + 312.50 + 40.00) and what the rest of the month adds.
 */
export function forecast(overrides: Partial<Forecast> = {}): Forecast {
  const today = dayjs();
  return {
    year: today.year(),
    month: today.month() + 1,
    currency: 'USD',
    as_of: today.format('YYYY-MM-DD'),
    actual: '1472.50',
    forecast: '1600.00',
    to_come: '127.50',
    by_category: [
      {
        category_id: 1, code: 'infrastructure', category: 'Infrastructure', actual: '1120.00', forecast: '1200.00', to_come: '80.00', method: 'invoice + trailing 3-month average',
      },
      {
        category_id: 2, code: 'license', category: 'User License', actual: '312.50', forecast: '312.50', to_come: '0.00', method: 'plans in force',
      },
      {
        category_id: 3, code: 'usage', category: 'Usage', actual: '40.00', forecast: '87.50', to_come: '47.50', method: 'run rate 30 days',
      },
    ],
    unconverted: [],
    ...overrides,
  };
}

/** The dashboard's KPIs: this month against the same month last year, as the server sends them. */
export function overview(overrides: Partial<Overview> = {}): Overview {
  const start = dayjs().subtract(12, 'month').format('YYYY-MM');
  const months = summarySeries(start, 13);
  return {
    this_month: months[12]!,
    same_month_last_year: months[0]!,
    change_percent: '8.9',
    seats_in_force: 30,
    low_balance_count: 1,
    low_balance_percent: '20',
    commitments_due: 1,
    ...overrides,
  };
}

export function apiToken(overrides: Partial<ApiToken> = {}): ApiToken {
  return {
    id: 1,
    name: 'nightly export',
    scope: 'read',
    prefix: 'cw_ab12',
    expires_at: null,
    last_used_at: null,
    created_at: '2025-07-01T08:00:00Z',
    ...overrides,
  };
}

export function auditEntry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: 1,
    at: '2025-07-02T09:30:00Z',
    actor: 'admin',
    action: 'create',
    entity: 'service',
    entity_id: 1,
    before: null,
    after: { name: 'AWS Production' },
    request_id: 'req-1',
    ...overrides,
  };
}

export function fxRate(overrides: Partial<FxRate> = {}): FxRate {
  return {
    currency: 'EUR',
    month: '2026-10-01',
    rate: '0.8927413194',
    source: 'bundled',
    bundled_rate: '0.8927413194',
    reporting_currency: 'USD',
    ...overrides,
  };
}

export function connection(overrides: Partial<Connection> = {}): Connection {
  return {
    id: 1,
    kind: 'openai',
    name: 'OpenAI org',
    service_id: 3,
    service_name: 'OpenAI API',
    base_url: null,
    enabled: true,
    sync_from: '2025-03-01',
    synced_through: null,
    has_credentials: true,
    last_sync_at: null,
    last_status: 'never',
    last_error: null,
    provider_balance: null,
    provider_balance_currency: null,
    balance: null,
    balance_difference: null,
    ...stamp,
    ...overrides,
  };
}

export const fxInfo: FxInfo = {
  reporting_currency: 'USD',
  bundled_source: 'European Central Bank euro foreign exchange reference rates',
  bundled_until: '2026-10-30',
};

export function syncRun(overrides: Partial<SyncRun> = {}): SyncRun {
  return {
    id: 1,
    trigger: 'manual',
    status: 'ok',
    started_at: '2025-06-30T10:00:00Z',
    finished_at: '2025-06-30T10:00:02Z',
    first_day: '2025-06-01',
    through: '2025-06-29',
    days: 29,
    created: 29,
    updated: 0,
    unchanged: 0,
    error: null,
    ...overrides,
  };
}

export function alertEvent(overrides: Partial<AlertEvent> = {}): AlertEvent {
  return {
    id: 1,
    kind: 'budget',
    subject: 'AI tools',
    service_id: null,
    budget_id: 1,
    threshold: 80,
    period: '2025-07',
    message: 'Budget "AI tools" (OpenAI API) has reached 80 % in 2025-07: 850.00 USD spent of 1000.00 USD (85.0 %).',
    state: 'open',
    first_seen: '2025-07-10T08:00:00Z',
    last_seen: '2025-07-12T08:00:00Z',
    acknowledged_at: null,
    resolved_at: null,
    notified_at: '2025-07-10T08:00:02Z',
    ...overrides,
  };
}

export function budget(overrides: Partial<Budget> = {}): Budget {
  return {
    id: 1,
    name: 'AI tools',
    scope: 'service',
    category_id: null,
    service_id: 3,
    subject: 'OpenAI API',
    amount: '1000.00',
    currency: 'USD',
    thresholds: [80, 100],
    ...stamp,
    ...overrides,
  };
}

/** A budget's month as `/budgets/status` sends it (this month unless told). */
export function budgetStatus(overrides: Partial<BudgetStatus> = {}): BudgetStatus {
  const today = dayjs();
  return {
    budget_id: 1,
    name: 'AI tools',
    scope: 'service',
    subject: 'OpenAI API',
    year: today.year(),
    month: today.month() + 1,
    currency: 'USD',
    amount: '1000.00',
    spent: '850.00',
    forecast: '1100.00',
    percent_spent: '85.0',
    percent_forecast: '110.0',
    thresholds: [80, 100],
    crossed: [80],
    forecast_crosses: [100],
    as_of: today.format('YYYY-MM-DD'),
    ...overrides,
  };
}
