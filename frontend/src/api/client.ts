/**
 * The one way the SPA talks to the backend: an openapi-fetch client typed by the
 * generated schema (paths, parameters and bodies are checked at compile time),
 * with middleware for what every call shares: base URL /api, the JWT as a bearer
 * header, FastAPI's error bodies turned into readable messages (an `ApiError`
 * is thrown), a 401 that signs the admin out, and network failures.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import { clearToken, getToken } from '@/lib/auth-token';
import type { paths } from './generated/schema';

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

/** The login call answers 401 for wrong credentials: that is not an expired session. */
const NO_AUTH_REDIRECT = new Set<string>(['/auth/login']);

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Bearer token on every request. */
const authMiddleware: Middleware = {
  onRequest({ request }) {
    request.headers.set('Accept', 'application/json');
    const token = getToken();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
};

/** Any answer but 2xx becomes an ApiError with a readable message; a 401 signs out. */
const errorMiddleware: Middleware = {
  async onResponse({ response, schemaPath }) {
    if (response.ok) return undefined;
    const data = await readBody(response);
    const detail = data && typeof data === 'object' && 'detail' in data ? data.detail : data;
    const fallback = STATUS_TEXT[response.status] ?? `Request failed (${response.status})`;
    const message = typeof detail === 'string' && detail.startsWith('<') ? fallback : formatDetail(detail, fallback);
    if (response.status === 401 && !NO_AUTH_REDIRECT.has(schemaPath)) {
      clearToken('expired');
      unauthorizedHandler();
    }
    throw new ApiError(response.status, message, detail);
  },
  onError({ error }) {
    // An aborted request (a query no longer needed) stays an AbortError.
    if ((error as { name?: unknown } | null)?.name === 'AbortError') return undefined;
    return new ApiError(0, 'Cannot reach the server. Check your connection and try again.');
  },
};

/** `a=1&b=x`, leaving out empty values (an empty search box sends nothing); a list repeats its key. */
export function serializeQuery(query: Record<string, unknown>): string {
  const params = new URLSearchParams();
  Object.entries(query).forEach(([key, value]) => {
    (Array.isArray(value) ? value : [value]).forEach((item: unknown) => {
      if (item !== undefined && item !== null && item !== '') params.append(key, String(item));
    });
  });
  return params.toString();
}

/**
 * The typed client: `api.GET('/service', { params: { query: { q, limit } } })`.
 * Absolute base URL so that `new Request()` also works outside a browser (tests);
 * fetch is looked up at call time so that tests can stub it.
 */
export const api = createClient<paths, 'application/json'>({
  baseUrl: `${globalThis.location?.origin ?? 'http://localhost'}${API_BASE}`,
  fetch: (request) => globalThis.fetch(request),
  querySerializer: serializeQuery,
});
api.use(authMiddleware, errorMiddleware);

interface Result<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The body of a successful call (errors have already been thrown by the middleware). */
export function dataOf<T>(result: Result<T>): T {
  if (result.data === undefined) {
    throw new ApiError(result.response.status, 'The server sent an empty answer', result.error);
  }
  return result.data;
}

/** One page of a list, with the total that matches the filters (`X-Total-Count`). */
export interface Page<T> {
  rows: T[];
  total: number;
}

export function pageOf<T>(result: Result<T[]>): Page<T> {
  const rows = dataOf(result);
  const header = result.response.headers.get('X-Total-Count');
  const total = Number(header);
  if (header === null || !Number.isInteger(total)) {
    throw new ApiError(result.response.status, 'The server did not say how many rows there are (X-Total-Count)');
  }
  return { rows, total };
}
