import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServices } from '../../app/createServices';
import { installAuthBackend } from '../../test/authBackend';
import { createFakeBackend } from '../../test/fakeBackend';
import { createFakeSockets } from '../../test/fakeSocket';
import { logIn } from './api';
import { EXPIRED_NOTICE, SESSION_STORAGE_KEY } from './sessionStore';

/** The app's real services over the contract's fake auth API, signed in as "ops". */
async function signedInServices() {
  const backend = createFakeBackend();
  const auth = installAuthBackend(backend, { accessSeconds: 600 });
  auth.addUser('ops', 'ops-password-12', 'admin');
  backend.on('GET', '/api/strategies', () => ({ body: [] }));
  const services = createServices({
    baseUrl: '/api',
    storage: window.sessionStorage,
    openSocket: createFakeSockets().factory,
    recorder: null,
    fetchImpl: backend.fetch,
  });
  services.session.signIn(await logIn(services.api, 'ops', 'ops-password-12'));
  return { backend, auth, services };
}

describe('session refresh', () => {
  afterEach(() => vi.useRealTimers());

  it('on a 401 renews the tokens once and sends the request again', async () => {
    const { backend, auth, services } = await signedInServices();
    const first = services.session.token() ?? '';
    auth.expireAccessToken(first);

    await expect(services.api.request('/strategies')).resolves.toEqual([]);

    const renewed = services.session.getState().session;
    expect(renewed?.token).not.toBe(first);
    expect(backend.callsTo('POST', '/api/auth/refresh')).toHaveLength(1);
    const tries = backend.callsTo('GET', '/api/strategies').map((call) => call.headers.get('Authorization'));
    expect(tries).toEqual([`Bearer ${first}`, `Bearer ${renewed?.token}`]);
    expect(JSON.parse(window.sessionStorage.getItem(SESSION_STORAGE_KEY) ?? '{}').refreshToken).toBe(renewed?.refreshToken);
  });

  it('shares one refresh between requests that get 401 at the same time', async () => {
    const { backend, auth, services } = await signedInServices();
    auth.expireAccessToken(services.session.token() ?? '');

    const answers = await Promise.all([1, 2, 3].map(() => services.api.request('/strategies')));

    expect(answers).toEqual([[], [], []]);
    expect(backend.callsTo('POST', '/api/auth/refresh')).toHaveLength(1);
  });

  it('signs out with the expired notice when the refresh is refused (session revoked)', async () => {
    const { auth, services } = await signedInServices();
    auth.revokeSessionsOf('ops');

    await expect(services.api.request('/strategies')).rejects.toThrow('sign-in required');

    expect(services.session.getState()).toEqual({ session: null, notice: EXPIRED_NOTICE });
  });

  it('a refresh token used twice is refused: the server revokes the whole session', async () => {
    const { backend, services } = await signedInServices();
    const stale = services.session.getState().session;
    await services.refresher.renew(stale?.token ?? null);
    // Someone replays the spent refresh token.
    const replay = await backend.fetch('/api/auth/refresh', { method: 'POST', body: JSON.stringify({ refresh_token: stale?.refreshToken }) });
    expect(replay.status).toBe(401);

    await expect(services.api.request('/strategies')).rejects.toThrow('sign-in required');
    expect(services.session.getState().notice).toBe(EXPIRED_NOTICE);
  });

  it('keeps the session when the server cannot be reached, and tries again later', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-22T10:00:00Z'), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { backend, services } = await signedInServices();
    let reachable = false;
    const answer = backend.fetch;
    const flaky = createServices({
      baseUrl: '/api',
      storage: window.sessionStorage,
      openSocket: createFakeSockets().factory,
      recorder: null,
      fetchImpl: (async (...args: Parameters<typeof fetch>) => {
        if (!reachable) throw new TypeError('Failed to fetch');
        return answer(...args);
      }) as typeof fetch,
    });
    services.refresher.dispose();
    const before = flaky.session.token();

    expect(await flaky.refresher.renew(before)).toBe(false);
    expect(flaky.session.getState().session?.username).toBe('ops');
    reachable = true;
    await vi.advanceTimersByTimeAsync(15_000);
    expect(backend.callsTo('POST', '/api/auth/refresh')).toHaveLength(1);
    expect(flaky.session.token()).not.toBe(before);
  });

  it('renews silently a minute before the access token runs out', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-22T10:00:00Z'), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { backend, services } = await signedInServices();
    const first = services.session.token();

    await vi.advanceTimersByTimeAsync(538_000);
    expect(backend.callsTo('POST', '/api/auth/refresh')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(2_000);

    expect(backend.callsTo('POST', '/api/auth/refresh')).toHaveLength(1);
    expect(services.session.token()).not.toBe(first);
    expect(backend.callsTo('GET', '/api/strategies')).toHaveLength(0);
  });
});
