/**
 * Friendly names for the API's schema types. The types themselves come from
 * the backend's OpenAPI schema (src/api/generated/schema.d.ts, made by
 * `npm run gen:api`); only this file needs to follow a schema rename.
 */
import type { components } from './generated/schema';

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
export type Balance = Schemas['Balance'];
export type Summary = Schemas['Summary'];
export type CommitmentAlert = Schemas['CommitmentAlert'];
export type LowBalanceAlert = Schemas['LowBalanceAlert'];

/** The three fixed categories of the spec. */
export const CATEGORY = {
  infrastructure: 'Infrastructure',
  license: 'User License',
  usage: 'Usage',
} as const;
