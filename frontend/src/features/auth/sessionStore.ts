/** The signed-in session: kept in sessionStorage (per tab, gone when it closes), never a cookie. */
export interface Session {
  token: string;
  username: string;
  /** Seconds since the epoch, as the login endpoint returns it. */
  expiresAt: number;
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
  signOut(notice?: string | null): void;
  /** The API said 401 or the token's time ran out. */
  expire(): void;
  token(): string | null;
  dispose(): void;
}

export const SESSION_STORAGE_KEY = 'dscp.session';
export const EXPIRED_NOTICE = 'Your session has expired. Please sign in again.';
// setTimeout overflows past ~24.8 days; a longer token is re-checked when that timer fires.
const MAX_TIMER_MS = 2_147_000_000;

function readStored(storage: Storage): Session | null {
  try {
    const raw = storage.getItem(SESSION_STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Session>;
    if (
      typeof parsed.token === 'string' &&
      typeof parsed.username === 'string' &&
      typeof parsed.expiresAt === 'number'
    ) {
      return { token: parsed.token, username: parsed.username, expiresAt: parsed.expiresAt };
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
  const isExpired = (session: Session) => session.expiresAt * 1000 <= now();

  const store: SessionStore = {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    signIn(session) {
      storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(session));
      setState({ session, notice: null });
      watchExpiry(session);
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
      if (session && isExpired(session)) {
        store.expire();
        return null;
      }
      return session?.token ?? null;
    },
    dispose: clearTimer,
  };

  function watchExpiry(session: Session) {
    clearTimer();
    const remaining = session.expiresAt * 1000 - now();
    timer = setTimeout(
      () => {
        timer = null;
        if (state.session !== session) return;
        if (isExpired(session)) store.expire();
        else watchExpiry(session);
      },
      Math.max(0, Math.min(remaining, MAX_TIMER_MS)),
    );
  }

  const stored = readStored(storage);
  if (stored && isExpired(stored)) {
    storage.removeItem(SESSION_STORAGE_KEY);
    state = { session: null, notice: EXPIRED_NOTICE };
  } else if (stored) {
    state = { session: stored, notice: null };
    watchExpiry(stored);
  }
  return store;
}
