/**
 * A fetch stub at the network boundary: tests declare what the API answers
 * (`apiMock.on('GET', '/service', rows)`), the app's real client, hooks and
 * components do the rest. Requests without an answer fail the test.
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

type Handler = (request: RecordedRequest) => MockReply | Promise<MockReply>;
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

function parseBody(init?: RequestInit): unknown {
  const { body } = init ?? {};
  if (typeof body !== 'string') return undefined;
  const type = new Headers(init?.headers).get('Content-Type') ?? '';
  if (type.includes('application/json')) return JSON.parse(body);
  if (type.includes('x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(body));
  return body;
}

async function mockFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const url = new URL(typeof input === 'string' ? input : input.toString(), 'http://localhost');
  const method = (init?.method ?? 'GET').toUpperCase();
  const path = url.pathname.replace(/^\/api/, '');
  const request: RecordedRequest = {
    method, path, query: url.searchParams, headers: new Headers(init?.headers), body: parseBody(init),
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
