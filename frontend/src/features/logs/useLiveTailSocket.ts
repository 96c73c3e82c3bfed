import { useEffect, useRef, useState } from 'react';
import { useServices } from '../../app/services';
import { apiBaseUrl } from '../../lib/config';
import { authMessage, liveUpdatesUrl } from '../../lib/liveSocket';
import { BAD_TOKEN_CLOSE_CODE, reconnectDelayMs } from '../dashboard/useLiveUpdates';
import type { LiveTailFilters } from './liveTailRows';
import type { LogEntry } from './types';

export type TailConnection =
  | { status: 'off' }
  | { status: 'connecting' }
  | { status: 'following'; skipped: boolean }
  | { status: 'reconnecting'; delayMs: number }
  | { status: 'refused'; detail: string };

type TailMessage =
  | { type: 'snapshot' }
  | { type: 'logs_subscribed'; after_id: number; skipped_ids: number }
  | { type: 'logs'; items: LogEntry[] }
  | { type: 'error'; detail: string };

function parse(data: unknown): TailMessage | null {
  if (typeof data !== 'string') return null;
  try {
    const message = JSON.parse(data) as { type?: unknown };
    return typeof message?.type === 'string' ? (message as TailMessage) : null;
  } catch {
    return null;
  }
}

interface Options {
  enabled: boolean;
  filters: LiveTailFilters;
  /** The newest row id the page has when the socket first subscribes (null: none yet). */
  newestId: () => number | null;
  onRows: (rows: LogEntry[]) => void;
  delayFor?: (attempt: number) => number;
}

/**
 * Subscribes to the live tail on `WS /ws/updates`: the server pushes the rows it ingests that
 * match the filters, oldest first. A reconnect resubscribes after the last row received, so a
 * dropped socket loses nothing; the token goes in the first message, never the URL.
 */
export function useLiveTailSocket({ enabled, filters, newestId, onRows, delayFor = reconnectDelayMs }: Options) {
  const { session, refresher, openSocket } = useServices();
  const [connection, setConnection] = useState<TailConnection>({ status: 'connecting' });
  const callbacks = useRef({ newestId, onRows });
  useEffect(() => {
    callbacks.current = { newestId, onRows };
  });
  const filtersKey = JSON.stringify(filters);

  useEffect(() => {
    if (!enabled) return;
    const subscribed: LiveTailFilters = JSON.parse(filtersKey) as LiveTailFilters;
    let stopped = false;
    let attempt = 0;
    let renewed = false;
    let retryTimer: ReturnType<typeof setTimeout> | null = null;
    let socket: ReturnType<typeof openSocket> | null = null;
    let lastId: number | null = callbacks.current.newestId();

    const reconnectLater = () => {
      attempt += 1;
      const delayMs = delayFor(attempt);
      setConnection({ status: 'reconnecting', delayMs });
      retryTimer = setTimeout(connect, delayMs);
    };

    function connect() {
      const token = session.token();
      if (token === null || stopped) return;
      const current = openSocket(liveUpdatesUrl(apiBaseUrl, window.location.origin));
      socket = current;
      current.onopen = () => current.send(authMessage(token));
      current.onmessage = (event) => {
        const message = parse(event.data);
        if (!message || stopped) return;
        switch (message.type) {
          case 'snapshot':
            // 0 with no rows loaded: every matching row is then new to the page.
            current.send(JSON.stringify({ type: 'logs_subscribe', after_id: lastId ?? 0, filters: subscribed }));
            break;
          case 'logs_subscribed':
            attempt = 0;
            renewed = false;
            lastId = message.after_id;
            setConnection({ status: 'following', skipped: message.skipped_ids > 0 });
            break;
          case 'logs':
            for (const row of message.items) if (lastId === null || row.id > lastId) lastId = row.id;
            callbacks.current.onRows(message.items);
            break;
          case 'error':
            setConnection({ status: 'refused', detail: message.detail });
            break;
        }
      };
      current.onclose = (event) => {
        if (stopped || socket !== current) return;
        socket = null;
        if (event.code === BAD_TOKEN_CLOSE_CODE && !renewed) {
          renewed = true;
          void refresher.renew(token).then((ok) => {
            if (stopped) return;
            if (ok) connect();
            else reconnectLater();
          });
          return;
        }
        reconnectLater();
      };
    }

    connect();
    return () => {
      stopped = true;
      if (retryTimer !== null) clearTimeout(retryTimer);
      socket?.close(1000, 'live tail off');
      socket = null;
      setConnection({ status: 'connecting' });
    };
  }, [enabled, filtersKey, session, refresher, openSocket, delayFor]);

  return enabled ? connection : ({ status: 'off' } as const);
}
