import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSessionStore, EXPIRED_NOTICE, SESSION_STORAGE_KEY, type Session } from './sessionStore';

describe('createSessionStore', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-22T10:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  const nowSeconds = () => Math.floor(Date.now() / 1000);
  const session = (overrides: Partial<Session> = {}): Session => ({
    token: 't1',
    username: 'admin',
    expiresAt: nowSeconds() + 600,
    refreshToken: 'r1',
    refreshExpiresAt: nowSeconds() + 3600,
    ...overrides,
  });

  it('keeps both tokens and their expiries in sessionStorage and restores them in a new store', () => {
    const first = createSessionStore(window.sessionStorage);
    first.signIn(session());

    const second = createSessionStore(window.sessionStorage);
    expect(second.getState().session).toEqual(session());
    expect(second.token()).toBe('t1');
    expect(document.cookie).toBe('');
  });

  it('restores a session whose access token ran out while its refresh token still holds', () => {
    window.sessionStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify(session({ expiresAt: nowSeconds() - 60 })));
    const store = createSessionStore(window.sessionStorage);
    expect(store.getState().session?.username).toBe('admin');
  });

  it('does not restore a session whose refresh time has passed, and says why', () => {
    window.sessionStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify(session({ refreshExpiresAt: nowSeconds() - 1 })));
    const store = createSessionStore(window.sessionStorage);
    expect(store.getState()).toEqual({ session: null, notice: EXPIRED_NOTICE });
    expect(window.sessionStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
  });

  it('signs out with the expiry notice when the session itself runs out while open', () => {
    const store = createSessionStore(window.sessionStorage);
    const seen: (string | null)[] = [];
    store.subscribe(() => seen.push(store.getState().notice));
    store.signIn(session({ expiresAt: nowSeconds() + 10, refreshExpiresAt: nowSeconds() + 30 }));

    vi.advanceTimersByTime(29_000);
    expect(store.getState().session).not.toBeNull();
    vi.advanceTimersByTime(1_000);
    expect(store.getState()).toEqual({ session: null, notice: EXPIRED_NOTICE });
    expect(seen).toEqual([null, EXPIRED_NOTICE]);
  });

  it('renews the tokens of the signed-in user only', () => {
    const store = createSessionStore(window.sessionStorage);
    store.signIn(session());
    store.renew(session({ username: 'someone-else', token: 'x' }));
    expect(store.token()).toBe('t1');
    store.renew(session({ token: 't2', refreshToken: 'r2' }));
    expect(store.token()).toBe('t2');
    expect(JSON.parse(window.sessionStorage.getItem(SESSION_STORAGE_KEY) ?? '{}').refreshToken).toBe('r2');
  });

  it('ignores a damaged stored entry, or one without a refresh token', () => {
    window.sessionStorage.setItem(SESSION_STORAGE_KEY, '{not json');
    expect(createSessionStore(window.sessionStorage).getState().session).toBeNull();
    window.sessionStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify({ token: 't', username: 'a', expiresAt: nowSeconds() + 60 }));
    expect(createSessionStore(window.sessionStorage).getState().session).toBeNull();
  });
});
