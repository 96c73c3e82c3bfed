/** The Log Viewer's filters and their form in the URL query, so a view can be shared. */
import { isRangePreset, rangeStartIso, type RangePreset } from './timeRange';

/** Where a row came from, as the API names it, and as the filter offers it. */
export const LOG_SOURCES = [
  { value: 'backend', label: 'Backend' },
  { value: 'edge', label: 'Edge (access log)' },
  { value: 'ui', label: 'Browser (UI)' },
  { value: 'ingest', label: 'Ingest key' },
] as const;
export type LogSource = (typeof LOG_SOURCES)[number]['value'];

export interface LogFilters {
  levels: string[];
  event: string;
  logger: string;
  correlationId: string;
  /** ISO 8601 in UTC, e.g. 2026-11-22T08:30:00Z; empty when unset. */
  start: string;
  end: string;
  text: string;
  /** Where the row came from: the backend's log file, the edge's access log, the browser's
   * reports, the ingest key's batches. */
  source: '' | LogSource;
  /** Who caused it: the user a ui row or an audit event is stamped with. */
  actor: string;
  /** Search the days of deleted rows loaded back from their archives, not the stored rows. */
  archived: boolean;
  /** Include/exclude filters on one field, spelled as the API takes them: `level!=DEBUG`, `payload.order_id=X`. */
  where: string[];
  /** A range relative to now (15m, 1h, 24h, 7d), instead of start and end. */
  range: '' | RangePreset;
  /** Which end of the range comes first. */
  order: 'newest' | 'oldest';
}

export const EMPTY_FILTERS: LogFilters = {
  levels: [],
  event: '',
  logger: '',
  correlationId: '',
  start: '',
  end: '',
  text: '',
  source: '',
  actor: '',
  archived: false,
  where: [],
  range: '',
  order: 'newest',
};

// URL parameter names match the API's, so a shared link reads like the request it makes.
const PARAM = {
  level: 'level',
  event: 'event',
  logger: 'logger',
  correlationId: 'correlation_id',
  start: 'start',
  end: 'end',
  text: 'q',
  source: 'source',
  actor: 'actor',
  archived: 'archived',
  where: 'where',
  range: 'range',
  order: 'order',
} as const;

function validInstant(value: string): string {
  return value && !Number.isNaN(Date.parse(value)) ? value : '';
}

function sourceFrom(value: string | null): LogFilters['source'] {
  const known = LOG_SOURCES.find((source) => source.value === value);
  if (known) return known.value;
  // Links shared before the ui source existed.
  return value === 'frontend' ? 'ui' : '';
}

export function filtersFromSearch(search: URLSearchParams): LogFilters {
  const levels = [...new Set(search.getAll(PARAM.level).map((level) => level.toUpperCase()).filter(Boolean))];
  return {
    levels,
    event: search.get(PARAM.event) ?? '',
    logger: search.get(PARAM.logger) ?? '',
    correlationId: search.get(PARAM.correlationId) ?? '',
    start: validInstant(search.get(PARAM.start) ?? ''),
    end: validInstant(search.get(PARAM.end) ?? ''),
    text: search.get(PARAM.text) ?? '',
    source: sourceFrom(search.get(PARAM.source)),
    actor: search.get(PARAM.actor) ?? '',
    archived: search.get(PARAM.archived) === 'true',
    where: [...new Set(search.getAll(PARAM.where).filter((item) => item.includes('=')))],
    range: rangeFrom(search),
    order: search.get(PARAM.order) === 'oldest' ? 'oldest' : 'newest',
  };
}

function rangeFrom(search: URLSearchParams): LogFilters['range'] {
  const range = search.get(PARAM.range) ?? '';
  // An absolute range wins over a relative one: both can only come from a hand-edited link.
  return isRangePreset(range) && !search.get(PARAM.start) && !search.get(PARAM.end) ? range : '';
}

export function searchFromFilters(filters: LogFilters): URLSearchParams {
  const search = new URLSearchParams();
  for (const level of filters.levels) search.append(PARAM.level, level);
  const single: [keyof typeof PARAM, string][] = [
    ['event', filters.event],
    ['logger', filters.logger],
    ['correlationId', filters.correlationId],
    ['start', filters.start],
    ['end', filters.end],
    ['text', filters.text],
    ['source', filters.source],
    ['actor', filters.actor],
  ];
  for (const [key, value] of single) {
    const trimmed = value.trim();
    if (trimmed) search.set(PARAM[key], trimmed);
  }
  if (filters.archived) search.set(PARAM.archived, 'true');
  for (const item of filters.where) search.append(PARAM.where, item);
  if (filters.range && !filters.start && !filters.end) search.set(PARAM.range, filters.range);
  if (filters.order === 'oldest') search.set(PARAM.order, 'oldest');
  return search;
}

// Repeated parameters: the API takes each as a list.
const LIST_PARAMS: ReadonlySet<string> = new Set([PARAM.level, PARAM.where]);

/**
 * The query the API takes for these filters (same names as the URL); a relative range becomes
 * its start as of `now`.
 */
export function apiQueryFromFilters(filters: LogFilters, now = Date.now()): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  const search = searchFromFilters(filters);
  if (filters.range && !filters.start) search.set(PARAM.start, rangeStartIso(filters.range, now));
  search.delete(PARAM.range);
  for (const key of new Set(search.keys())) {
    query[key] = LIST_PARAMS.has(key) ? search.getAll(key) : (search.get(key) ?? '');
  }
  return query;
}

export function hasAnyFilter(filters: LogFilters): boolean {
  const search = searchFromFilters(filters);
  // The order shows the same rows.
  search.delete(PARAM.order);
  return search.toString() !== '';
}
