/**
 * The fetch stub at the network boundary: tests declare what the API answers
 * (`apiMock.on('GET', '/service', rows)`, or `listReply(rows)` for a list that
 * the stub filters, sorts and pages like the server), and the app's real typed
 * client, hooks and components do the rest. Requests without an answer fail
 * the test. Ready-made answers for whole pages are in `scenarios.ts`.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: unknown;
}

export interface MockReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (request: RecordedRequest) => MockReply | Promise<MockReply>;
type Reply = Handler | Record<string, unknown> | unknown[] | string | number | boolean | null;

interface Route {
  method: string;
  path: string;
  handler: Handler;
  once: boolean;
}

let routes: Route[] = [];
let requests: RecordedRequest[] = [];
let unhandled: string[] = [];

function parseBody(body: string, headers: Headers): unknown {
  if (!body) return undefined;
  const type = headers.get('Content-Type') ?? '';
  if (type.includes('application/json')) return JSON.parse(body);
  if (type.includes('x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(body));
  return body;
}

async function mockFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const incoming = input instanceof Request ? input : new Request(new URL(String(input), 'http://localhost'), init);
  const url = new URL(incoming.url);
  const method = incoming.method.toUpperCase();
  const path = url.pathname.replace(/^\/api/, '');
  const headers = new Headers(incoming.headers);
  const request: RecordedRequest = {
    method, path, query: url.searchParams, headers, body: parseBody(await incoming.text(), headers),
  };
  requests.push(request);
  const index = routes.findIndex((route) => route.method === method && route.path === path);
  if (index === -1) {
    unhandled.push(`${method} ${path}`);
    return new Response(JSON.stringify({ detail: `No mock for ${method} ${path}` }), { status: 501 });
  }
  const route = routes[index]!;
  if (route.once) routes.splice(index, 1);
  const reply = await route.handler(request);
  const status = reply.status ?? 200;
  const noBody = status === 204 || reply.body === undefined;
  return new Response(noBody ? null : JSON.stringify(reply.body), {
    status,
    headers: { 'Content-Type': 'application/json', ...reply.headers },
  });
}

function toHandler(reply: Reply, status?: number): Handler {
  if (typeof reply === 'function') return reply;
  return () => ({
    status,
    body: reply,
    headers: Array.isArray(reply) ? { 'X-Total-Count': String(reply.length) } : undefined,
  });
}

export interface ListOptions<T> {
  /** The text `q` matches (case-insensitive substring), e.g. the name. */
  search?: (row: T) => string;
  /** Query parameters that must equal a row field, e.g. `{ service_id: 'service_id' }`. */
  equals?: Record<string, keyof T>;
  /** Sort fields that are named differently on the rows, e.g. `{ date: 'day' }`. */
  sortFields?: Record<string, keyof T>;
}

function compare(a: unknown, b: unknown): number {
  const x = Number(a);
  const y = Number(b);
  if (typeof a === 'string' && typeof b === 'string' && (Number.isNaN(x) || Number.isNaN(y))) return a.localeCompare(b);
  if (x === y) return 0;
  return x < y ? -1 : 1;
}

/**
 * Answer a list like the API: `q`, equality filters, `sort` (a field, `-` for
 * descending), `limit`/`offset`, and the total in `X-Total-Count`.
 */
export function listReply<T extends object>(rows: T[], options: ListOptions<T> = {}): Handler {
  return (request) => {
    const { query } = request;
    let found = [...rows];
    const q = query.get('q')?.toLowerCase();
    if (q && options.search) found = found.filter((row) => options.search!(row).toLowerCase().includes(q));
    Object.entries(options.equals ?? {}).forEach(([param, field]) => {
      const wanted = query.get(param);
      if (wanted !== null) found = found.filter((row) => String(row[field]) === wanted);
    });
    const sort = query.get('sort');
    if (sort) {
      const name = sort.replace(/^-/, '');
      const field = (options.sortFields?.[name] ?? name) as keyof T;
      const direction = sort.startsWith('-') ? -1 : 1;
      found.sort((a, b) => direction * compare(a[field], b[field]));
    }
    const offset = Number(query.get('offset') ?? 0);
    const limit = Number(query.get('limit') ?? 100);
    return {
      body: found.slice(offset, offset + limit),
      headers: { 'X-Total-Count': String(found.length) },
    };
  };
}

export const apiMock = {
  fetch: mockFetch,
  /** Answer `method path` (path without /api and query) with JSON, or with a handler. */
  on(method: string, path: string, reply: Reply, status?: number) {
    // Later registrations win: put them first.
    routes.unshift({
      method, path, handler: toHandler(reply, status), once: false,
    });
    return apiMock;
  },
  /** Like `on`, but used for one request only (then earlier answers apply again). */
  once(method: string, path: string, reply: Reply, status?: number) {
    routes.unshift({
      method, path, handler: toHandler(reply, status), once: true,
    });
    return apiMock;
  },
  /** Requests made so far, optionally only those to `method path`. */
  requests(method?: string, path?: string): RecordedRequest[] {
    return requests.filter((r) => (!method || r.method === method) && (!path || r.path === path));
  },
  reset() {
    routes = [];
    requests = [];
    unhandled = [];
  },
  takeUnhandled(): string[] {
    const list = unhandled;
    unhandled = [];
    return list;
  },
};
