import { useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';
import { liveTailFilters, newestLoadedId, prependPushed } from './liveTailRows';
import type { LogFilters } from './filters';
import type { LogEntry, LogPage } from './types';
import { useLiveTailSocket } from './useLiveTailSocket';

type ListKey = readonly unknown[];

// A long pause holds at most this many rows in the page (a phone left paused must not fill its
// memory); past it, resume reloads the newest page from the server, which stored them all.
export const PAUSE_BUFFER_LIMIT = 5_000;

/**
 * The live tail of the list under `listKey`: pushed rows go on top of it, or, while paused,
 * into a buffer that resume puts on top, each row once.
 */
export function useLiveTail(filters: LogFilters, listKey: ListKey, ready: boolean) {
  const queryClient = useQueryClient();
  const [on, setOn] = useState(false);
  const [paused, setPaused] = useState(false);
  // Refs, not state: a push that lands between a click and the next render must still see it.
  const pausedRef = useRef(false);
  const buffer = useRef<LogEntry[]>([]);
  const overflowed = useRef(false);
  // Pushes come oldest first, so a row at or below the newest one held is a reconnect's repeat.
  const newestHeld = useRef(0);
  const [bufferedCount, setBufferedCount] = useState(0);
  const [added, setAdded] = useState(0);
  const tailable = liveTailFilters(filters);

  const show = useCallback(
    (rows: readonly LogEntry[]) => {
      const before = queryClient.getQueryData<InfiniteData<LogPage, string | null>>(listKey);
      const after = prependPushed(before, rows);
      if (after === before) return;
      queryClient.setQueryData(listKey, after);
      const fresh = (after?.pages[0]?.items.length ?? 0) - (before?.pages[0]?.items.length ?? 0);
      setAdded((count) => count + fresh);
    },
    [queryClient, listKey],
  );

  const onRows = useCallback(
    (rows: LogEntry[]) => {
      if (!pausedRef.current) {
        show(rows);
        return;
      }
      const fresh = rows.filter((row) => row.id > newestHeld.current);
      if (fresh.length === 0) return;
      newestHeld.current = Math.max(...fresh.map((row) => row.id));
      setBufferedCount((count) => count + fresh.length);
      if (overflowed.current) return;
      buffer.current = [...buffer.current, ...fresh];
      if (buffer.current.length > PAUSE_BUFFER_LIMIT) {
        overflowed.current = true;
        buffer.current = [];
      }
    },
    [show],
  );

  const newestId = useCallback(
    () => newestLoadedId(queryClient.getQueryData<InfiniteData<LogPage, string | null>>(listKey)),
    [queryClient, listKey],
  );

  const connection = useLiveTailSocket({
    enabled: on && ready && 'filters' in tailable,
    filters: 'filters' in tailable ? tailable.filters : { level: [] },
    newestId,
    onRows,
  });

  const pause = useCallback(() => {
    newestHeld.current = newestId() ?? 0;
    pausedRef.current = true;
    setPaused(true);
  }, [newestId]);

  const resume = useCallback(() => {
    pausedRef.current = false;
    setPaused(false);
    const held = buffer.current;
    const reload = overflowed.current;
    buffer.current = [];
    overflowed.current = false;
    setBufferedCount(0);
    if (reload) {
      setAdded(0);
      void queryClient.resetQueries({ queryKey: listKey, exact: true });
    } else if (held.length > 0) show(held);
  }, [show, queryClient, listKey]);

  const turn = useCallback(
    (next: boolean) => {
      setOn(next);
      if (!next) resume();
    },
    [resume],
  );

  return {
    on,
    turn,
    paused,
    pause,
    resume,
    bufferedCount,
    added,
    connection,
    unavailable: 'reason' in tailable ? tailable.reason : null,
  };
}

export type LiveTailState = ReturnType<typeof useLiveTail>;
