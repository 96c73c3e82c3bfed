import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSessionStore, EXPIRED_NOTICE, SESSION_STORAGE_KEY } from './sessionStore';

describe('createSessionStore', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-22T10:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  const nowSeconds = () => Math.floor(Date.now() / 1000);

  it('keeps the session in sessionStorage and restores it in a new store', () => {
    const first = createSessionStore(window.sessionStorage);
    first.signIn({ token: 't1', username: 'admin', expiresAt: nowSeconds() + 60 });

    const second = createSessionStore(window.sessionStorage);
    expect(second.getState().session?.username).toBe('admin');
    expect(second.token()).toBe('t1');
    expect(document.cookie).toBe('');
  });

  it('does not restore a session whose time has passed, and says why', () => {
    window.sessionStorage.setItem(
      SESSION_STORAGE_KEY,
      JSON.stringify({ token: 'old', username: 'admin', expiresAt: nowSeconds() - 1 }),
    );
    const store = createSessionStore(window.sessionStorage);
    expect(store.getState()).toEqual({ session: null, notice: EXPIRED_NOTICE });
    expect(window.sessionStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
  });

  it('signs out with the expiry notice when the token runs out while open', () => {
    const store = createSessionStore(window.sessionStorage);
    const seen: (string | null)[] = [];
    store.subscribe(() => seen.push(store.getState().notice));
    store.signIn({ token: 't', username: 'admin', expiresAt: nowSeconds() + 30 });

    vi.advanceTimersByTime(29_000);
    expect(store.getState().session).not.toBeNull();
    vi.advanceTimersByTime(1_000);
    expect(store.getState()).toEqual({ session: null, notice: EXPIRED_NOTICE });
    expect(seen).toEqual([null, EXPIRED_NOTICE]);
  });

  it('ignores a damaged stored entry', () => {
    window.sessionStorage.setItem(SESSION_STORAGE_KEY, '{not json');
    expect(createSessionStore(window.sessionStorage).getState().session).toBeNull();
  });
});
