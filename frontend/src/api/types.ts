/**
 * Friendly names for the API's schema types. The types themselves come from
 * the backend's OpenAPI schema (src/api/generated/schema.d.ts, made by
 * `npm run gen:api`); only this file needs to follow a schema rename.
 */
import type { components, paths } from './generated/schema';

type Schemas = components['schemas'];

export type Token = Schemas['Token'];
export type Me = Schemas['Me'];
export type PasswordChange = Schemas['PasswordChange'];
export type Category = Schemas['CategoryRead'];
export type Provider = Schemas['ProviderRead'];
export type ProviderCreate = Schemas['ProviderCreate'];
export type Service = Schemas['ServiceRead'];
export type ServiceCreate = Schemas['ServiceCreate'];
export type ServiceUpdate = Schemas['ServiceUpdate'];
export type Invoice = Schemas['InvoiceRead'];
export type InvoiceCreate = Schemas['InvoiceCreate'];
export type LicensePlan = Schemas['LicenseRead'];
export type LicensePlanCreate = Schemas['LicenseCreate'];
export type Topup = Schemas['TopupRead'];
export type TopupCreate = Schemas['TopupCreate'];
export type Consumption = Schemas['ConsumptionRead'];
export type ConsumptionCreate = Schemas['ConsumptionCreate'];
export type UsageEvent = Schemas['UsageEvent'];
export type Balance = Schemas['Balance'];
export type Summary = Schemas['Summary'];
export type Overview = Schemas['Overview'];
export type Forecast = Schemas['Forecast'];
export type CategoryForecast = Schemas['CategoryForecast'];
export type SpendByService = Schemas['SpendByService'];
export type DailyUsage = Schemas['DailyUsage'];
export type CommitmentAlert = Schemas['CommitmentAlert'];
export type LowBalanceAlert = Schemas['LowBalanceAlert'];
export type ApiToken = Schemas['ApiTokenRead'];
export type ApiTokenCreate = Schemas['ApiTokenCreate'];
export type ApiTokenCreated = Schemas['ApiTokenCreated'];
export type AuditEntry = Schemas['AuditRead'];
export type FxRate = Schemas['FxRateRead'];
export type FxInfo = Schemas['FxInfo'];
export type FxImportResult = Schemas['FxImportResult'];
export type CurrencyAmount = Schemas['CurrencyAmount'];
export type SummaryView = Summary['view'];
export type ImportReport = Schemas['ImportReport'];
export type ImportRefused = Schemas['ImportRefused'];
export type ImportRowError = Schemas['RowError'];
export type FocusReport = Schemas['FocusReport'];
export type FocusGroup = Schemas['FocusGroup'];
export type Connection = Schemas['ConnectionRead'];
export type ConnectionCreate = Schemas['ConnectionCreate'];
export type ConnectionUpdate = Schemas['ConnectionUpdate'];
export type ConnectionKind = Connection['kind'];
export type SyncResult = Schemas['SyncResult'];
export type SyncRun = Schemas['SyncRunRead'];
export type NotificationChannel = Schemas['ChannelRead'];
export type NotificationChannelCreate = Schemas['ChannelCreate'];
export type NotificationChannelUpdate = Schemas['ChannelUpdate'];
export type NotificationDelivery = Schemas['DeliveryRead'];
export type AlertEvent = Schemas['AlertRead'];
export type AlertKind = AlertEvent['kind'];
export type AlertState = AlertEvent['state'];
export type AlertEvaluation = Schemas['Evaluation'];
export type Budget = Schemas['BudgetRead'];
export type BudgetCreate = Schemas['BudgetCreate'];
export type BudgetUpdate = Schemas['BudgetUpdate'];
export type BudgetScope = Budget['scope'];
export type BudgetStatus = Schemas['BudgetStatus'];
export type RestoreReport = Schemas['RestoreReport'];

/** Paths that answer GET. */
type GetPath = {
  [P in keyof paths]: paths[P] extends { get: { parameters: { query?: unknown } } } ? P : never;
}[keyof paths];

/** The query parameters of `GET path`, e.g. `ListQuery<'/service'>`. */
export type ListQuery<P extends GetPath> = NonNullable<paths[P]['get']['parameters']['query']>;

/** The `sort` values `GET path` accepts, e.g. `'name' | '-name' | ...`. */
export type SortOf<P extends GetPath> = ListQuery<P> extends { sort?: infer S } ? NonNullable<S> : never;

/**
 * The three fixed categories, by their stable code (`category_code` on a
 * service, `code` on a category). Display names may change; codes do not.
 */
export type CategoryCode = 'infrastructure' | 'license' | 'usage';
