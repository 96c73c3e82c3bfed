import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useServices } from '../../app/services';
import { fetchLogContextSides } from './api';
import type { LineTarget } from './permalink';
import type { LogEntry } from './types';

export const OPENING_LINES = 20;
export const MORE_LINES = 50;

interface Slice {
  rows: LogEntry[];
  moreBefore: boolean;
  moreAfter: boolean;
}
type Page = { id: number; side: 'around' | 'earlier' | 'later' };

/**
 * A line and its neighbours (all sources, time order), widened a page at a time each way:
 * earlier pages ask for the context of the oldest line shown, later ones of the newest.
 */
export function useLineContext(target: LineTarget) {
  const { api } = useServices();
  const query = useInfiniteQuery({
    queryKey: ['logs', 'line', target.archived, target.id],
    initialPageParam: { id: target.id, side: 'around' } as Page,
    queryFn: async ({ pageParam, signal }): Promise<Slice> => {
      const { id, side } = pageParam;
      const sides =
        side === 'around'
          ? { before: OPENING_LINES, after: OPENING_LINES }
          : side === 'earlier'
            ? { before: MORE_LINES, after: 0 }
            : { before: 0, after: MORE_LINES };
      const found = await fetchLogContextSides(api, id, sides, target.archived, signal);
      if (side === 'earlier') return { rows: found.before, moreBefore: found.before.length === MORE_LINES, moreAfter: false };
      if (side === 'later') return { rows: found.after, moreBefore: false, moreAfter: found.after.length === MORE_LINES };
      return {
        rows: [...found.before, found.entry, ...found.after],
        moreBefore: found.before.length === OPENING_LINES,
        moreAfter: found.after.length === OPENING_LINES,
      };
    },
    getPreviousPageParam: (first): Page | undefined => {
      const oldest = first.rows[0];
      return first.moreBefore && oldest ? { id: oldest.id, side: 'earlier' } : undefined;
    },
    getNextPageParam: (last): Page | undefined => {
      const newest = last.rows.at(-1);
      return last.moreAfter && newest ? { id: newest.id, side: 'later' } : undefined;
    },
    staleTime: Infinity,
  });
  const rows = useMemo(() => query.data?.pages.flatMap((page) => page.rows) ?? [], [query.data]);
  return { query, rows };
}
