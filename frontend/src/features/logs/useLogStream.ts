import { useInfiniteQuery, useQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useServices } from '../../app/services';
import { fetchLogPage, fetchNewerThan } from './api';
import { searchFromFilters, type LogFilters } from './filters';
import type { LogEntry, LogPage } from './types';

export const LIVE_TAIL_INTERVAL_MS = 2000;

export function logListKey(filters: LogFilters) {
  return ['logs', 'list', searchFromFilters(filters).toString()] as const;
}

/** Newest-first rows for the filters, older pages on demand, newer rows prepended while live. */
export function useLogStream(filters: LogFilters, live: boolean, tailIntervalMs = LIVE_TAIL_INTERVAL_MS) {
  const { api } = useServices();
  const queryClient = useQueryClient();
  const listKey = logListKey(filters);

  const list = useInfiniteQuery({
    queryKey: listKey,
    queryFn: ({ pageParam, signal }) => fetchLogPage(api, filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.next_cursor,
    // Rows only change by live tail or an explicit refresh; refetching every loaded page
    // on focus would be costly with thousands of rows.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });

  const tail = useQuery({
    queryKey: ['logs', 'tail', listKey[2]],
    enabled: live && list.isSuccess,
    refetchInterval: live ? tailIntervalMs : false,
    gcTime: 0,
    queryFn: async ({ signal }) => {
      const current = queryClient.getQueryData<InfiniteData<LogPage, string | null>>(listKey);
      const newest = current?.pages[0]?.items[0] ?? null;
      const newer = await fetchNewerThan(api, filters, newest, signal);
      if (newer.length > 0) {
        queryClient.setQueryData<InfiniteData<LogPage, string | null>>(listKey, (old) => {
          if (!old || old.pages.length === 0) return old;
          const known = new Set(old.pages[0]?.items.map((item) => item.id));
          const fresh = newer.filter((item) => !known.has(item.id));
          const [first, ...rest] = old.pages;
          if (!first) return old;
          return { ...old, pages: [{ ...first, items: [...fresh, ...first.items] }, ...rest] };
        });
      }
      return { added: newer.length, checkedAt: Date.now() };
    },
  });

  const rows: LogEntry[] = useMemo(
    () => list.data?.pages.flatMap((page) => page.items) ?? [],
    [list.data],
  );

  return {
    rows,
    list,
    tail,
    refresh: () =>
      Promise.all([
        queryClient.resetQueries({ queryKey: listKey, exact: true }),
        queryClient.invalidateQueries({ queryKey: ['logs', 'facets'] }),
        queryClient.invalidateQueries({ queryKey: ['logs', 'histogram'] }),
      ]),
  };
}
