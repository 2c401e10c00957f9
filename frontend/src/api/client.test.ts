import { apiMock } from '@/testing/api-mock';
import { getToken, setToken } from '@/lib/auth-token';
import {
  apiFetch, apiFetchAll, ApiError, buildUrl, formatDetail, setUnauthorizedHandler,
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

describe('apiFetch', () => {
  it('calls /api with the bearer token and JSON body', async () => {
    setToken('abc');
    apiMock.on('POST', '/service', (req) => ({ status: 201, body: { id: 7, echo: req.body } }));
    const result = await apiFetch<{ id: number }>('/service', { method: 'POST', body: { name: 'X' } });
    expect(result).toEqual({ id: 7, echo: { name: 'X' } });
    const [req] = apiMock.requests('POST', '/service');
    expect(req!.headers.get('Authorization')).toBe('Bearer abc');
    expect(req!.headers.get('Content-Type')).toBe('application/json');
  });

  it('builds query strings without empty values', () => {
    expect(buildUrl('/x', {
      a: 1, b: undefined, c: '', d: false,
    })).toBe('/api/x?a=1&d=false');
    expect(buildUrl('/x')).toBe('/api/x');
  });

  it('raises ApiError with the FastAPI detail', async () => {
    apiMock.on('GET', '/service/9', { detail: 'Service 9 not found' }, 404);
    await expect(apiFetch('/service/9')).rejects.toMatchObject({ status: 404, message: 'Service 9 not found' });
  });

  it('uses a readable message when the body is not JSON', async () => {
    apiMock.on('GET', '/x', () => ({ status: 502 }));
    await expect(apiFetch('/x')).rejects.toMatchObject({ status: 502, message: 'The API server cannot be reached' });
  });

  it('reports a network failure', async () => {
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
    await expect(apiFetch('/x')).rejects.toBeInstanceOf(ApiError);
    await expect(apiFetch('/x')).rejects.toMatchObject({ status: 0 });
  });

  it('clears the token and signs out on 401', async () => {
    setToken('old');
    const onUnauthorized = vi.fn();
    setUnauthorizedHandler(onUnauthorized);
    apiMock.on('GET', '/summary', { detail: 'Not authenticated' }, 401);
    await expect(apiFetch('/summary')).rejects.toMatchObject({ status: 401 });
    expect(getToken()).toBeNull();
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    setUnauthorizedHandler(null);
  });

  it('does not sign out when the login itself answers 401', async () => {
    const onUnauthorized = vi.fn();
    setUnauthorizedHandler(onUnauthorized);
    apiMock.on('POST', '/auth/login', { detail: 'Incorrect email or password' }, 401);
    await expect(apiFetch('/auth/login', { method: 'POST', form: { username: 'a', password: 'b' }, skipAuthRedirect: true }))
      .rejects.toMatchObject({ message: 'Incorrect email or password' });
    expect(onUnauthorized).not.toHaveBeenCalled();
    const [req] = apiMock.requests('POST', '/auth/login');
    expect(req!.body).toEqual({ username: 'a', password: 'b' });
    setUnauthorizedHandler(null);
  });

  it('returns undefined for 204', async () => {
    apiMock.on('DELETE', '/service/1', () => ({ status: 204 }));
    await expect(apiFetch('/service/1', { method: 'DELETE' })).resolves.toBeUndefined();
  });
});

describe('apiFetchAll', () => {
  it('follows X-Total-Count through every page', async () => {
    const rows = Array.from({ length: 1500 }, (_, i) => ({ id: i }));
    apiMock.on('GET', '/invoices', (req) => {
      const offset = Number(req.query.get('offset'));
      const limit = Number(req.query.get('limit'));
      return { body: rows.slice(offset, offset + limit), headers: { 'X-Total-Count': '1500' } };
    });
    const all = await apiFetchAll<{ id: number }>('/invoices', { service_id: 1 });
    expect(all).toHaveLength(1500);
    const calls = apiMock.requests('GET', '/invoices');
    expect(calls).toHaveLength(2);
    expect(calls[1]!.query.get('offset')).toBe('1000');
    expect(calls[0]!.query.get('service_id')).toBe('1');
  });
});
