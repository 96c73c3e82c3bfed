import { useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';
import { appendOnce, liveTailFilters, newestLoadedId, prependPushed } from './liveTailRows';
import type { LogFilters } from './filters';
import type { LogEntry, LogPage } from './types';
import { useLiveTailSocket } from './useLiveTailSocket';

type ListKey = readonly unknown[];

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
      buffer.current = appendOnce(buffer.current, rows);
      setBufferedCount(buffer.current.length);
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
    pausedRef.current = true;
    setPaused(true);
  }, []);

  const resume = useCallback(() => {
    pausedRef.current = false;
    setPaused(false);
    const held = buffer.current;
    buffer.current = [];
    setBufferedCount(0);
    if (held.length > 0) show(held);
  }, [show]);

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
