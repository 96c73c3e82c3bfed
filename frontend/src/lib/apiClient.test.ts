import { describe, expect, it, vi } from 'vitest';
import { createFakeBackend } from '../test/fakeBackend';
import { ApiError, buildQueryString, createApiClient, filenameFromDisposition, retryAfterSeconds } from './apiClient';
import { createApiCallRecorder } from './apiInspector';
import { SAFE_REQUEST_ID } from './requestId';

describe('createApiClient', () => {
  it('sends the bearer token and a request id the backend will accept', async () => {
    const backend = createFakeBackend();
    backend.on('GET', '/api/auth/me', () => ({ body: { username: 'admin' } }));
    const api = createApiClient({ baseUrl: '/api', getToken: () => 'tok', fetchImpl: backend.fetch });

    const answer = await api.request<{ username: string }>('/auth/me');

    expect(answer).toEqual({ username: 'admin' });
    const [call] = backend.calls;
    expect(call?.headers.get('Authorization')).toBe('Bearer tok');
    expect(call?.headers.get('X-Request-ID')).toMatch(SAFE_REQUEST_ID);
  });

  it('repeats array values and drops empty ones in the query string', () => {
    expect(buildQueryString({ level: ['ERROR', 'WARNING'], q: '', cursor: null, limit: 5 })).toBe(
      '?level=ERROR&level=WARNING&limit=5',
    );
  });

  it('turns an error answer into an ApiError with the detail and request id', async () => {
    const backend = createFakeBackend();
    backend.on('GET', '/api/logs', () => ({ status: 400, body: { detail: 'cursor is not one this API issued' } }));
    const api = createApiClient({ baseUrl: '/api', getToken: () => null, fetchImpl: backend.fetch });

    const failure = await api.request('/logs', { requestId: 'known-id-1' }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).status).toBe(400);
    expect((failure as ApiError).message).toBe('cursor is not one this API issued');
    expect((failure as ApiError).requestId).toBe('known-id-1');
  });

  it('on a 401 lets the session renew and sends the request once more with the new token', async () => {
    const backend = createFakeBackend();
    backend.on('GET', '/api/logs', ({ headers }) =>
      headers.get('Authorization') === 'Bearer new' ? { body: { items: [] } } : { status: 401, body: { detail: 'sign-in required' } },
    );
    let token = 'old';
    const onUnauthorized = vi.fn(async (rejected: string | null) => {
      expect(rejected).toBe('old');
      token = 'new';
      return true;
    });
    const api = createApiClient({ baseUrl: '/api', getToken: () => token, onUnauthorized, fetchImpl: backend.fetch });

    await expect(api.request('/logs')).resolves.toEqual({ items: [] });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    expect(backend.callsTo('GET', '/api/logs').map((call) => call.headers.get('Authorization'))).toEqual(['Bearer old', 'Bearer new']);
  });

  it('retries only once, and not at all when the session ended or the caller handles the 401', async () => {
    const backend = createFakeBackend();
    backend.on('GET', '/api/logs', () => ({ status: 401, body: { detail: 'sign-in required' } }));
    backend.on('POST', '/api/auth/login', () => ({ status: 401, body: { detail: 'invalid username or password' } }));
    const renewed = vi.fn(async () => true);
    const api = createApiClient({ baseUrl: '/api', getToken: () => 'tok', onUnauthorized: renewed, fetchImpl: backend.fetch });

    await expect(api.request('/logs')).rejects.toThrow('sign-in required');
    expect(backend.callsTo('GET', '/api/logs')).toHaveLength(2);
    await expect(api.request('/auth/login', { method: 'POST', body: {}, withoutToken: true })).rejects.toThrow('invalid username or password');
    expect(backend.callsTo('POST', '/api/auth/login')[0]?.headers.get('Authorization')).toBeNull();
    await expect(api.request('/logs', { skipUnauthorizedHandler: true })).rejects.toThrow('sign-in required');
    expect(renewed).toHaveBeenCalledTimes(1);

    const ended = createApiClient({ baseUrl: '/api', getToken: () => 'tok', onUnauthorized: async () => false, fetchImpl: backend.fetch });
    await expect(ended.request('/logs')).rejects.toThrow('sign-in required');
    expect(backend.callsTo('GET', '/api/logs')).toHaveLength(4);
  });

  it('reads Retry-After as seconds, or as a date from now', async () => {
    const backend = createFakeBackend();
    backend.on('POST', '/api/auth/login', () => ({ status: 429, body: { detail: 'too many' }, headers: { 'Retry-After': '45' } }));
    const api = createApiClient({ baseUrl: '/api', getToken: () => null, fetchImpl: backend.fetch });

    const failure = await api.request('/auth/login', { method: 'POST', withoutToken: true }).catch((error: unknown) => error);

    expect((failure as ApiError).retryAfterSeconds).toBe(45);
    expect(retryAfterSeconds('Wed, 02 Dec 2026 00:01:30 GMT', Date.parse('2026-12-02T00:00:00Z'))).toBe(90);
    expect(retryAfterSeconds('soon')).toBeNull();
    expect(retryAfterSeconds(null)).toBeNull();
  });

  it('records each call with status, duration and request id for the inspector', async () => {
    const backend = createFakeBackend();
    backend.on('GET', '/api/health', () => ({ body: { status: 'ok' } }));
    const recorder = createApiCallRecorder(2);
    let clock = 100;
    const api = createApiClient({
      baseUrl: '/api',
      getToken: () => null,
      fetchImpl: backend.fetch,
      recorder,
      now: () => (clock += 7),
    });

    await api.request('/health', { requestId: 'first' });
    await api.request('/health', { requestId: 'second' });
    await api.request('/missing', { requestId: 'third' }).catch(() => undefined);

    const calls = recorder.snapshot();
    expect(calls.map((call) => [call.requestId, call.status])).toEqual([
      ['third', 404],
      ['second', 200],
    ]);
    expect(calls[0]?.durationMs).toBe(7);
    expect(calls[0]?.path).toBe('/missing');
  });

  it('records a network failure without a status', async () => {
    const recorder = createApiCallRecorder();
    const api = createApiClient({
      baseUrl: '/api',
      getToken: () => null,
      recorder,
      fetchImpl: () => Promise.reject(new TypeError('Failed to fetch')),
    });

    await expect(api.request('/health')).rejects.toThrow('Failed to fetch');
    expect(recorder.snapshot()[0]).toMatchObject({ status: null, error: 'Failed to fetch' });
  });

  it('downloads a file with the bearer token and the filename the server gave', async () => {
    const backend = createFakeBackend();
    backend.on('GET', '/api/analytics/export', () => ({
      text: '# metadata\n',
      headers: { 'Content-Type': 'text/csv', 'Content-Disposition': 'attachment; filename="analytics-export-20261122-093000.csv"' },
    }));
    const api = createApiClient({ baseUrl: '/api', getToken: () => 'tok', fetchImpl: backend.fetch });

    const file = await api.download('/analytics/export', { query: { format: 'csv' }, accept: 'text/csv' });

    expect(file.filename).toBe('analytics-export-20261122-093000.csv');
    expect(await file.blob.text()).toBe('# metadata\n');
    expect(backend.calls[0]?.headers.get('Authorization')).toBe('Bearer tok');
    expect(backend.calls[0]?.headers.get('Accept')).toBe('text/csv');
  });

  it('sends PUT and DELETE, and reads an empty 204', async () => {
    const backend = createFakeBackend();
    backend.on('DELETE', '/api/strategies/:id', ({ params }) => ({ status: params.id === '3' ? 204 : 404 }));
    const api = createApiClient({ baseUrl: '/api', getToken: () => 'tok', fetchImpl: backend.fetch });

    expect(await api.request('/strategies/3', { method: 'DELETE' })).toBeNull();
    await expect(api.request('/strategies/4', { method: 'DELETE' })).rejects.toMatchObject({ status: 404 });
  });
});

describe('filenameFromDisposition', () => {
  it.each([
    ['attachment; filename="a b.csv"', 'a b.csv'],
    ['attachment; filename=plain.csv', 'plain.csv'],
    ["attachment; filename*=UTF-8''caf%C3%A9.csv; filename=\"cafe.csv\"", 'café.csv'],
    ['inline', null],
    [null, null],
  ])('%s -> %s', (header, expected) => {
    expect(filenameFromDisposition(header)).toBe(expected);
  });
});
