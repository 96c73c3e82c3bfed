import type { ApiClient } from '../../lib/apiClient';
import { apiQueryFromFilters, type LogFilters } from './filters';
import type { LogContext, LogEntry, LogFacets, LogPage, VolumeHistogram } from './types';

export const PAGE_SIZE = 500;
// Live tail reads at most this many pages a tick, so a burst cannot stall the browser.
const MAX_TAIL_PAGES = 5;
const TAIL_PAGE_SIZE = 1000;

export function fetchLogPage(
  api: ApiClient,
  filters: LogFilters,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<LogPage> {
  return api.request<LogPage>('/logs', {
    query: { ...apiQueryFromFilters(filters), limit: PAGE_SIZE, cursor },
    signal,
  });
}

export function isNewer(candidate: LogEntry, than: LogEntry): boolean {
  const a = candidate.ts ?? '';
  const b = than.ts ?? '';
  // The API's timestamps are fixed-width ISO strings in UTC, so text order is time order.
  if (a !== b) return a > b;
  return candidate.id > than.id;
}

function laterInstant(a: string, b: string): string {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/**
 * Rows after `newest` that match the filters, newest first. The API has no "after"
 * parameter, so this asks for rows from `newest`'s second onward and keeps the newer ones.
 */
export async function fetchNewerThan(
  api: ApiClient,
  filters: LogFilters,
  newest: LogEntry | null,
  signal?: AbortSignal,
): Promise<LogEntry[]> {
  if (!newest || !newest.ts) {
    const page = await fetchLogPage(api, filters, null, signal);
    return page.items;
  }
  const wholeSecond = `${newest.ts.slice(0, 19)}Z`;
  const tailFilters = { ...filters, start: laterInstant(filters.start, wholeSecond) };
  const collected: LogEntry[] = [];
  let cursor: string | null = null;
  for (let pageIndex = 0; pageIndex < MAX_TAIL_PAGES; pageIndex += 1) {
    const page: LogPage = await api.request<LogPage>('/logs', {
      query: { ...apiQueryFromFilters(tailFilters), limit: TAIL_PAGE_SIZE, cursor },
      signal,
    });
    const newer = page.items.filter((item) => isNewer(item, newest));
    collected.push(...newer);
    if (!page.next_cursor || newer.length < page.items.length) break;
    cursor = page.next_cursor;
  }
  return collected;
}

export function fetchLogContext(api: ApiClient, id: number, around: number, archived: boolean, signal?: AbortSignal) {
  return api.request<LogContext>(`/logs/${id}/context`, {
    query: { before: around, after: around, ...(archived ? { archived: 'true' } : {}) },
    signal,
  });
}

export function fetchFacets(api: ApiClient, signal?: AbortSignal) {
  return api.request<LogFacets>('/logs/facets', { signal });
}

export function fetchHistogram(api: ApiClient, filters: LogFilters, signal?: AbortSignal) {
  return api.request<VolumeHistogram>('/logs/histogram', { query: apiQueryFromFilters(filters), signal });
}
