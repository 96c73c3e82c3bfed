import { ApiError } from '../../lib/apiClient';
import type { Session, SessionStore } from './sessionStore';

/** Renews the access token shortly before it runs out, and on demand after a 401 or a 4401 close. */
export interface SessionRefresher {
  /**
   * Makes sure the token after `rejectedToken` is fresh: true when a usable session is there
   * (renewed now, or already renewed by a concurrent caller), false when the session ended.
   */
  renew(rejectedToken: string | null): Promise<boolean>;
  dispose(): void;
}

export interface SessionRefresherOptions {
  session: SessionStore;
  /** POST /api/auth/refresh: the new session for this refresh token. */
  refresh: (current: Session) => Promise<Session>;
  /** How long before the access token's expiry to renew it. */
  leadSeconds?: number;
  /** Wait before trying again when the server could not be reached. */
  retryDelayMs?: number;
  now?: () => number;
}

export function createSessionRefresher({
  session,
  refresh,
  leadSeconds = 60,
  retryDelayMs = 15_000,
  now = () => Date.now(),
}: SessionRefresherOptions): SessionRefresher {
  let inFlight: Promise<boolean> | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let scheduledFor: Session | null = null;

  const clearTimer = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };

  function renewNow(): Promise<boolean> {
    if (inFlight) return inFlight;
    const current = session.getState().session;
    if (current === null) return Promise.resolve(false);
    inFlight = refresh(current)
      .then((renewed) => {
        if (session.getState().session !== current) return session.getState().session !== null;
        session.renew(renewed);
        return true;
      })
      .catch((error: unknown) => {
        // fetch rejects with a TypeError when the server cannot be reached; 5xx may pass too.
        const transient = error instanceof TypeError || (error instanceof ApiError && error.status >= 500);
        if (transient) {
          if (session.getState().session === current) schedule(current, retryDelayMs);
          return false;
        }
        // The server refused the refresh token (revoked, reused, expired) or answered nonsense: the session is over.
        if (session.getState().session === current) session.expire();
        return false;
      })
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  }

  function schedule(current: Session, delayMs: number) {
    clearTimer();
    scheduledFor = current;
    timer = setTimeout(() => {
      timer = null;
      if (session.getState().session === current) void renewNow();
    }, Math.max(0, delayMs));
  }

  const onChange = () => {
    const current = session.getState().session;
    if (current === null) {
      clearTimer();
      scheduledFor = null;
      return;
    }
    if (current === scheduledFor) return;
    schedule(current, (current.expiresAt - leadSeconds) * 1000 - now());
  };
  const unsubscribe = session.subscribe(onChange);
  onChange();

  return {
    renew(rejectedToken) {
      const current = session.getState().session;
      if (current === null) return Promise.resolve(false);
      // Another request already renewed it: just retry with the new token.
      if (rejectedToken !== null && current.token !== rejectedToken && !inFlight) return Promise.resolve(true);
      return renewNow();
    },
    dispose() {
      unsubscribe();
      clearTimer();
    },
  };
}
