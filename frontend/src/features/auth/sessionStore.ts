/** The signed-in session: kept in sessionStorage (per tab, gone when it closes), never a cookie. */
export interface Session {
  /** The short-lived access token sent as the bearer. */
  token: string;
  username: string;
  /** Seconds since the epoch when the access token runs out, as the API returns it. */
  expiresAt: number;
  /** Trades for a new access token (and a new refresh token) at POST /api/auth/refresh. */
  refreshToken: string;
  /** Seconds since the epoch when the session itself ends: no refresh after this. */
  refreshExpiresAt: number;
}

export interface SessionState {
  session: Session | null;
  /** Shown on the sign-in page, e.g. why the user was signed out. */
  notice: string | null;
}

export interface SessionStore {
  getState(): SessionState;
  subscribe(listener: () => void): () => void;
  signIn(session: Session): void;
  /** New tokens for the same signed-in user (after a refresh). */
  renew(session: Session): void;
  signOut(notice?: string | null): void;
  /** The server refused the session or its time ran out. */
  expire(): void;
  /** The access token to send, or null when signed out (it may be past its time: a 401 then refreshes). */
  token(): string | null;
  dispose(): void;
}

export const SESSION_STORAGE_KEY = 'dscp.session';
export const EXPIRED_NOTICE = 'Your session has expired. Please sign in again.';
export const SIGNED_OUT_NOTICE = 'You have signed out.';
export const PASSWORD_CHANGED_NOTICE = 'Password changed. Sign in with your new password.';
// setTimeout overflows past ~24.8 days; a longer session is re-checked when that timer fires.
const MAX_TIMER_MS = 2_147_000_000;

function readStored(storage: Storage): Session | null {
  try {
    const raw = storage.getItem(SESSION_STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Session>;
    if (
      typeof parsed.token === 'string' &&
      typeof parsed.username === 'string' &&
      typeof parsed.expiresAt === 'number' &&
      typeof parsed.refreshToken === 'string' &&
      typeof parsed.refreshExpiresAt === 'number'
    ) {
      return {
        token: parsed.token,
        username: parsed.username,
        expiresAt: parsed.expiresAt,
        refreshToken: parsed.refreshToken,
        refreshExpiresAt: parsed.refreshExpiresAt,
      };
    }
  } catch {
    // A damaged entry is the same as none.
  }
  return null;
}

export function createSessionStore(
  storage: Storage,
  now: () => number = () => Date.now(),
): SessionStore {
  let state: SessionState = { session: null, notice: null };
  let timer: ReturnType<typeof setTimeout> | null = null;
  const listeners = new Set<() => void>();

  const setState = (next: SessionState) => {
    state = next;
    listeners.forEach((listener) => listener());
  };
  const clearTimer = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  const isOver = (session: Session) => session.refreshExpiresAt * 1000 <= now();
  const keep = (session: Session) => {
    storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(session));
    setState({ session, notice: null });
    watchEnd(session);
  };

  const store: SessionStore = {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    signIn: keep,
    renew(session) {
      if (state.session === null || state.session.username !== session.username) return;
      keep(session);
    },
    signOut(notice = null) {
      clearTimer();
      storage.removeItem(SESSION_STORAGE_KEY);
      setState({ session: null, notice });
    },
    expire() {
      if (state.session === null) return;
      store.signOut(EXPIRED_NOTICE);
    },
    token: () => {
      const session = state.session;
      if (session && isOver(session)) {
        store.expire();
        return null;
      }
      return session?.token ?? null;
    },
    dispose: clearTimer,
  };

  // The session ends at the refresh token's expiry; the access token is renewed before then.
  function watchEnd(session: Session) {
    clearTimer();
    const remaining = session.refreshExpiresAt * 1000 - now();
    timer = setTimeout(
      () => {
        timer = null;
        if (state.session !== session) return;
        if (isOver(session)) store.expire();
        else watchEnd(session);
      },
      Math.max(0, Math.min(remaining, MAX_TIMER_MS)),
    );
  }

  const stored = readStored(storage);
  if (stored && isOver(stored)) {
    storage.removeItem(SESSION_STORAGE_KEY);
    state = { session: null, notice: EXPIRED_NOTICE };
  } else if (stored) {
    state = { session: stored, notice: null };
    watchEnd(stored);
  }
  return store;
}
