import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useServices } from '../../app/services';
import { apiBaseUrl } from '../../lib/config';
import { authMessage, liveUpdatesUrl } from '../../lib/liveSocket';
import { fillsKey, KILL_SWITCH_KEY, SESSIONS_KEY } from './api';
import { mergeSnapshot, prependFill, upsertSession } from './sessionCache';
import type { Fill, KillSwitch, LiveMessage, TradingSession } from './types';

export type ConnectionState =
  | { status: 'connecting' }
  | { status: 'live' }
  | { status: 'reconnecting'; attempt: number; delayMs: number };

/** The server closes with this code when the token is bad, or the session revoked or over. */
export const BAD_TOKEN_CLOSE_CODE = 4401;

/** 1 s, 2 s, 4 s … capped at 30 s, so a restarting backend is not hammered. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, attempt - 1));
}

function parse(data: unknown): LiveMessage | null {
  if (typeof data !== 'string') return null;
  try {
    const message = JSON.parse(data) as { type?: unknown };
    return typeof message?.type === 'string' ? (message as LiveMessage) : null;
  } catch {
    return null;
  }
}

/**
 * Keeps the sessions, fills and kill-switch queries current from `WS /ws/updates`,
 * reconnecting with backoff. The token goes in the first message, never the URL; a 4401
 * close renews the session once and reconnects, and ends the sign-in if that fails.
 */
export function useLiveUpdates({ delayFor = reconnectDelayMs }: { delayFor?: (attempt: number) => number } = {}) {
  const { session, refresher, openSocket } = useServices();
  const queryClient = useQueryClient();
  const [state, setState] = useState<ConnectionState>({ status: 'connecting' });

  useEffect(() => {
    let stopped = false;
    let attempt = 0;
    let retryTimer: ReturnType<typeof setTimeout> | null = null;
    let socket: ReturnType<typeof openSocket> | null = null;
    // Set after a 4401 led to a renewal; cleared once the server accepts the socket.
    let renewedForSocket = false;

    const apply = (message: LiveMessage) => {
      switch (message.type) {
        case 'snapshot':
          queryClient.setQueryData<TradingSession[]>(SESSIONS_KEY, (list) => mergeSnapshot(list, message.sessions));
          queryClient.setQueryData<KillSwitch>(KILL_SWITCH_KEY, message.kill_switch);
          break;
        case 'session':
          queryClient.setQueryData<TradingSession[]>(SESSIONS_KEY, (list) => upsertSession(list, message.session));
          break;
        case 'fill':
          queryClient.setQueryData<Fill[]>(fillsKey(message.session_id), (fills) => prependFill(fills, message.fill));
          break;
        case 'kill_switch':
          queryClient.setQueryData<KillSwitch>(KILL_SWITCH_KEY, message.kill_switch);
          break;
      }
    };

    const connect = () => {
      const token = session.token();
      if (token === null || stopped) return;
      const current = openSocket(liveUpdatesUrl(apiBaseUrl, window.location.origin));
      socket = current;
      current.onopen = () => {
        current.send(authMessage(token));
      };
      current.onmessage = (event) => {
        const message = parse(event.data);
        if (!message) return;
        if (message.type === 'snapshot') {
          attempt = 0;
          renewedForSocket = false;
          setState({ status: 'live' });
        }
        apply(message);
      };
      current.onclose = (event) => {
        if (stopped || socket !== current) return;
        socket = null;
        if (event.code !== BAD_TOKEN_CLOSE_CODE) {
          reconnectLater();
          return;
        }
        if (renewedForSocket) {
          session.expire();
          return;
        }
        renewedForSocket = true;
        void refresher.renew(token).then((renewed) => {
          if (stopped) return;
          if (renewed) {
            connect();
          } else if (session.getState().session !== null) {
            // The server could not be reached to renew: try the whole thing again later.
            renewedForSocket = false;
            reconnectLater();
          }
        });
      };
    };

    const reconnectLater = () => {
      attempt += 1;
      const delayMs = delayFor(attempt);
      setState({ status: 'reconnecting', attempt, delayMs });
      retryTimer = setTimeout(connect, delayMs);
    };

    connect();
    return () => {
      stopped = true;
      if (retryTimer !== null) clearTimeout(retryTimer);
      socket?.close(1000, 'page closed');
      socket = null;
    };
  }, [session, refresher, openSocket, queryClient, delayFor]);

  return state;
}
