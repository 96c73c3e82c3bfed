import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useServices } from '../../app/services';
import { fetchLogPage } from './api';
import { searchFromFilters, type LogFilters } from './filters';
import type { LogEntry } from './types';

export function logListKey(filters: LogFilters) {
  return ['logs', 'list', searchFromFilters(filters).toString()] as const;
}

/** Newest-first rows for the filters, older pages on demand (the live tail prepends to them). */
export function useLogStream(filters: LogFilters) {
  const { api } = useServices();
  const queryClient = useQueryClient();
  const listKey = logListKey(filters);

  const list = useInfiniteQuery({
    queryKey: listKey,
    queryFn: ({ pageParam, signal }) => fetchLogPage(api, filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.next_cursor,
    // Rows only change by the live tail or an explicit refresh; refetching every loaded page
    // on focus would be costly with thousands of rows.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });

  const rows: LogEntry[] = useMemo(
    () => list.data?.pages.flatMap((page) => page.items) ?? [],
    [list.data],
  );

  return {
    rows,
    list,
    listKey,
    refresh: () =>
      Promise.all([
        queryClient.resetQueries({ queryKey: listKey, exact: true }),
        queryClient.invalidateQueries({ queryKey: ['logs', 'facets'] }),
        queryClient.invalidateQueries({ queryKey: ['logs', 'histogram'] }),
      ]),
  };
}
