import { apiMock } from '@/testing/api-mock';
import { getToken, setToken } from '@/lib/auth-token';
import {
  api, ApiError, dataOf, formatDetail, pageOf, serializeQuery, setUnauthorizedHandler,
} from './client';

describe('formatDetail', () => {
  it('keeps a string detail', () => {
    expect(formatDetail('Service not found')).toBe('Service not found');
  });

  it('turns a 422 list into one sentence naming the fields', () => {
    const detail = [
      { loc: ['body', 'amount'], msg: 'Value error, more than two decimals', type: 'value_error' },
      { loc: ['body', 'currency'], msg: 'not an ISO 4217 code', type: 'value_error' },
      { loc: ['body'], msg: 'bad body', type: 'x' },
    ];
    expect(formatDetail(detail)).toBe('amount: more than two decimals; currency: not an ISO 4217 code; bad body');
  });

  it('falls back for empty or odd details', () => {
    expect(formatDetail(undefined, 'Nope')).toBe('Nope');
    expect(formatDetail({ a: 1 })).toBe('{"a":1}');
    expect(formatDetail(['plain'])).toBe('plain');
  });
});

describe('the typed client', () => {
  it('calls /api with the bearer token and JSON body', async () => {
    setToken('abc');
    apiMock.on('POST', '/service', (req) => ({ status: 201, body: { id: 7, echo: req.body } }));
    const result = dataOf(await api.POST('/service', {
      body: {
        name: 'X', provider_id: 1, category_id: 1, active: true,
      },
    }));
    expect(result).toEqual({
      id: 7,
      echo: {
        name: 'X', provider_id: 1, category_id: 1, active: true,
      },
    });
    const [req] = apiMock.requests('POST', '/service');
    expect(req!.headers.get('Authorization')).toBe('Bearer abc');
    expect(req!.headers.get('Content-Type')).toBe('application/json');
  });

  it('builds query strings without empty values', async () => {
    expect(serializeQuery({
      a: 1, b: undefined, c: '', d: false, e: null, f: [1, 2],
    })).toBe('a=1&d=false&f=1&f=2');
    expect(serializeQuery({})).toBe('');
    apiMock.on('GET', '/service', []);
    await api.GET('/service', {
      params: {
        query: {
          q: '', active: false, limit: 20, provider_id: undefined,
        },
      },
    });
    const [req] = apiMock.requests('GET', '/service');
    expect(req!.query.toString()).toBe('active=false&limit=20');
  });

  it('raises ApiError with the FastAPI detail', async () => {
    apiMock.on('GET', '/service/9', { detail: 'Service 9 not found' }, 404);
    await expect(api.GET('/service/{service_id}', { params: { path: { service_id: 9 } } }))
      .rejects.toMatchObject({ status: 404, message: 'Service 9 not found' });
  });

  it('uses a readable message when the body is not JSON', async () => {
    apiMock.on('GET', '/health', () => ({ status: 502 }));
    await expect(api.GET('/health')).rejects.toMatchObject({ status: 502, message: 'The API server cannot be reached' });
    apiMock.on('GET', '/ready', () => ({ status: 418, body: '<html>teapot</html>' }));
    await expect(api.GET('/ready')).rejects.toMatchObject({ status: 418, message: 'Request failed (418)' });
  });

  it('reports a network failure, and keeps an abort an abort', async () => {
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
    await expect(api.GET('/health')).rejects.toBeInstanceOf(ApiError);
    await expect(api.GET('/health')).rejects.toMatchObject({ status: 0 });
    vi.stubGlobal('fetch', () => Promise.reject(new DOMException('The operation was aborted.', 'AbortError')));
    await expect(api.GET('/health')).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('clears the token and signs out on 401', async () => {
    setToken('old');
    const onUnauthorized = vi.fn();
    setUnauthorizedHandler(onUnauthorized);
    apiMock.on('GET', '/summary', { detail: 'Not authenticated' }, 401);
    await expect(api.GET('/summary')).rejects.toMatchObject({ status: 401 });
    expect(getToken()).toBeNull();
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    setUnauthorizedHandler(null);
  });

  it('does not sign out when the login itself answers 401', async () => {
    const onUnauthorized = vi.fn();
    setUnauthorizedHandler(onUnauthorized);
    apiMock.on('POST', '/auth/login', { detail: 'Incorrect email or password' }, 401);
    await expect(api.POST('/auth/login', {
      body: { username: 'a', password: 'b', scope: '' },
      bodySerializer: serializeQuery,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    })).rejects.toMatchObject({ message: 'Incorrect email or password' });
    expect(onUnauthorized).not.toHaveBeenCalled();
    const [req] = apiMock.requests('POST', '/auth/login');
    expect(req!.body).toEqual({ username: 'a', password: 'b' });
    expect(req!.headers.get('Content-Type')).toBe('application/x-www-form-urlencoded');
    setUnauthorizedHandler(null);
  });

  it('returns no data for 204', async () => {
    apiMock.on('DELETE', '/service/1', () => ({ status: 204 }));
    const result = await api.DELETE('/service/{service_id}', { params: { path: { service_id: 1 } } });
    expect(result.data).toBeUndefined();
    expect(result.response.status).toBe(204);
    expect(() => dataOf(result)).toThrow(ApiError);
  });
});

describe('pageOf', () => {
  it('reads one page and the total that matches the filters from X-Total-Count', async () => {
    apiMock.on('GET', '/invoices', (req) => ({
      body: [{ id: Number(req.query.get('offset')) }],
      headers: { 'X-Total-Count': '1500' },
    }));
    const page = pageOf(await api.GET('/invoices', { params: { query: { service_id: 1, limit: 20, offset: 40 } } }));
    expect(page).toEqual({ rows: [{ id: 40 }], total: 1500 });
    const [req] = apiMock.requests('GET', '/invoices');
    expect(req!.query.get('service_id')).toBe('1');
    expect(req!.query.get('limit')).toBe('20');
  });

  it('refuses a list without its total (paging would be wrong)', async () => {
    apiMock.on('GET', '/providers', () => ({ body: [{ id: 1 }, { id: 2 }] }));
    expect(() => pageOf({ data: [{ id: 1 }], response: new Response(null, { status: 200 }) })).toThrow(/X-Total-Count/);
    await expect(api.GET('/providers').then(pageOf)).rejects.toThrow(/X-Total-Count/);
  });
});
