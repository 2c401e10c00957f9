/**
 * The one way the SPA talks to the backend: base URL /api, the JWT as a
 * bearer header, JSON in and out, FastAPI's error bodies turned into
 * readable messages, and a 401 that signs the admin out.
 */
import { clearToken, getToken } from '@/lib/auth-token';

export const API_BASE = '/api';

/** An error answered by the API (or the network), with a message fit for a toast. */
export class ApiError extends Error {
  readonly status: number;

  readonly detail: unknown;

  constructor(status: number, message: string, detail?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
  }
}

interface ValidationIssue {
  loc?: (string | number)[];
  msg?: string;
}

function isValidationIssue(value: unknown): value is ValidationIssue {
  return typeof value === 'object' && value !== null && 'msg' in value;
}

/** Field name of a 422 issue: the last part of `loc` that is not `body`/`query`. */
function fieldOf(issue: ValidationIssue): string | null {
  const loc = (issue.loc ?? []).filter((part) => !['body', 'query', 'path', 'header'].includes(String(part)));
  if (loc.length === 0) return null;
  return loc.map(String).join('.').replace(/_/g, ' ');
}

/** Turn FastAPI's `detail` (a string, or a 422 list of issues) into one sentence. */
export function formatDetail(detail: unknown, fallback = 'Something went wrong'): string {
  if (typeof detail === 'string' && detail.trim()) return detail;
  if (Array.isArray(detail) && detail.length > 0) {
    return detail
      .map((issue) => {
        if (!isValidationIssue(issue)) return String(issue);
        const field = fieldOf(issue);
        const msg = (issue.msg ?? 'is invalid').replace(/^Value error, /, '');
        return field ? `${field}: ${msg}` : msg;
      })
      .join('; ');
  }
  if (detail && typeof detail === 'object') return JSON.stringify(detail);
  return fallback;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'The request was refused',
  401: 'Your session has ended; please sign in again',
  403: 'Not allowed',
  404: 'Not found',
  409: 'This conflicts with an existing record',
  422: 'Some values are not valid',
  500: 'The server had a problem',
  502: 'The API server cannot be reached',
  503: 'The API server is not available',
  504: 'The API server did not answer in time',
};

type Unauthorized = () => void;

/** Outside the app's router (which reacts to the cleared token itself), reload at /login. */
function defaultUnauthorized() {
  if (window.location.pathname !== '/login') {
    const next = encodeURIComponent(window.location.pathname + window.location.search);
    window.location.assign(`/login?next=${next}`);
  }
}

let unauthorizedHandler: Unauthorized = defaultUnauthorized;

/** The app replaces the default full-page redirect (its route guard navigates). */
export function setUnauthorizedHandler(handler: Unauthorized | null): void {
  unauthorizedHandler = handler ?? defaultUnauthorized;
}

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  query?: Query;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as application/x-www-form-urlencoded (OAuth2 login). */
  form?: Record<string, string>;
  signal?: AbortSignal;
  /** For the login call: a 401 there means wrong credentials, not an expired session. */
  skipAuthRedirect?: boolean;
}

export function buildUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  Object.entries(query ?? {}).forEach(([key, value]) => {
    if (value !== undefined && value !== null && value !== '') params.append(key, String(value));
  });
  const qs = params.toString();
  return `${API_BASE}${path}${qs ? `?${qs}` : ''}`;
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Low-level request: returns the parsed body and the response (for headers). */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<{ data: T; response: Response }> {
  const headers = new Headers({ Accept: 'application/json' });
  const token = getToken();
  if (token) headers.set('Authorization', `Bearer ${token}`);

  let body: BodyInit | undefined;
  if (options.form) {
    headers.set('Content-Type', 'application/x-www-form-urlencoded');
    body = new URLSearchParams(options.form).toString();
  } else if (options.body !== undefined) {
    headers.set('Content-Type', 'application/json');
    body = JSON.stringify(options.body);
  }

  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body,
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error)?.name === 'AbortError') throw error;
    throw new ApiError(0, 'Cannot reach the server. Check your connection and try again.');
  }

  const data = await readBody(response);
  if (!response.ok) {
    const detail = data && typeof data === 'object' && 'detail' in data ? (data).detail : data;
    const fallback = STATUS_TEXT[response.status] ?? `Request failed (${response.status})`;
    const message = typeof detail === 'string' && detail.startsWith('<') ? fallback : formatDetail(detail, fallback);
    if (response.status === 401 && !options.skipAuthRedirect) {
      clearToken('expired');
      unauthorizedHandler();
    }
    throw new ApiError(response.status, message, detail);
  }
  return { data: data as T, response };
}

/** A JSON call that returns only the body. */
export async function apiFetch<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { data } = await request<T>(path, options);
  return data;
}

const PAGE_SIZE = 1000;

/**
 * Fetch every row of a paginated record list (limit/offset + X-Total-Count),
 * so that tables can sort and filter over the whole set.
 */
export async function apiFetchAll<T>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T[]> {
  const rows: T[] = [];
  for (;;) {
    // Pages depend on each other's total, so they are fetched in sequence.
    // eslint-disable-next-line no-await-in-loop
    const { data, response } = await request<T[]>(path, {
      query: { ...query, limit: PAGE_SIZE, offset: rows.length },
      signal,
    });
    rows.push(...data);
    const total = Number(response.headers.get('X-Total-Count'));
    if (data.length === 0 || data.length < PAGE_SIZE || !Number.isFinite(total) || rows.length >= total) break;
  }
  return rows;
}
