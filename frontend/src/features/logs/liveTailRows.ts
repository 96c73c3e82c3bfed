/** The live tail's pure parts: what it subscribes to, and how pushed rows join the list. */
import type { InfiniteData } from '@tanstack/react-query';
import type { LogFilters } from './filters';
import type { LogEntry, LogPage } from './types';

/** The subscription's filters, named as the socket's `logs_subscribe` message takes them. */
export interface LiveTailFilters {
  level: string[];
  source?: string;
  q?: string;
  event?: string;
  logger?: string;
  correlation_id?: string;
  actor?: string;
  where?: string[];
}

/**
 * The filters the server applies to pushed rows, or why these filters cannot be tailed: new
 * rows are stored rows, never archived ones, and none falls before an end already past.
 */
export function liveTailFilters(filters: LogFilters): { filters: LiveTailFilters } | { reason: string } {
  if (filters.archived) return { reason: 'Live tail follows the stored entries, not the archived days.' };
  if (filters.end) return { reason: 'Live tail needs an open end: clear the "to" time to follow new entries.' };
  if (filters.order === 'oldest') return { reason: 'Live tail puts new entries on top: sort newest first to follow them.' };
  const tailed: LiveTailFilters = { level: filters.levels };
  if (filters.where.length > 0) tailed.where = filters.where;
  const single: [keyof Omit<LiveTailFilters, 'level' | 'where'>, string][] = [
    ['source', filters.source],
    ['q', filters.text],
    ['event', filters.event],
    ['logger', filters.logger],
    ['correlation_id', filters.correlationId],
    ['actor', filters.actor],
  ];
  for (const [name, value] of single) {
    const trimmed = value.trim();
    if (trimmed) tailed[name] = trimmed;
  }
  return { filters: tailed };
}

/** The highest row id loaded: the tail asks for what came after it. */
export function newestLoadedId(data: InfiniteData<LogPage, unknown> | undefined): number | null {
  let newest: number | null = null;
  for (const page of data?.pages ?? []) {
    for (const item of page.items) if (newest === null || item.id > newest) newest = item.id;
  }
  return newest;
}

/** `incoming` (oldest first) appended to `held`, each row once. */
export function appendOnce(held: readonly LogEntry[], incoming: readonly LogEntry[]): LogEntry[] {
  const known = new Set(held.map((row) => row.id));
  const fresh = incoming.filter((row) => {
    if (known.has(row.id)) return false;
    known.add(row.id);
    return true;
  });
  return fresh.length === 0 ? [...held] : [...held, ...fresh];
}

/** Rows pushed oldest first, put on top of the newest-first list; a row shown already is skipped. */
export function prependPushed(
  data: InfiniteData<LogPage, string | null> | undefined,
  pushed: readonly LogEntry[],
): InfiniteData<LogPage, string | null> | undefined {
  const first = data?.pages[0];
  if (!data || !first) return data;
  const known = new Set(first.items.map((item) => item.id));
  const fresh = appendOnce([], pushed).filter((row) => !known.has(row.id));
  if (fresh.length === 0) return data;
  const newestFirst = fresh.reverse();
  return { ...data, pages: [{ ...first, items: [...newestFirst, ...first.items] }, ...data.pages.slice(1)] };
}
