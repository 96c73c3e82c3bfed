/** The Log Viewer's filters and their form in the URL query, so a view can be shared. */

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
  };
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
  return search;
}

/** The query the API takes for these filters (same names as the URL). */
export function apiQueryFromFilters(filters: LogFilters): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  const search = searchFromFilters(filters);
  for (const key of new Set(search.keys())) {
    query[key] = key === PARAM.level ? search.getAll(key) : (search.get(key) ?? '');
  }
  return query;
}

export function hasAnyFilter(filters: LogFilters): boolean {
  return searchFromFilters(filters).toString() !== '';
}

/** `datetime-local` input value (read as UTC) to the URL's ISO form, and back. */
export function isoFromUtcInput(value: string): string {
  if (!value) return '';
  const withSeconds = value.length === 16 ? `${value}:00` : value;
  const iso = `${withSeconds}Z`;
  return Number.isNaN(Date.parse(iso)) ? '' : iso;
}

export function utcInputFromIso(iso: string): string {
  if (!iso) return '';
  const parsed = new Date(iso);
  if (Number.isNaN(parsed.getTime())) return '';
  return parsed.toISOString().slice(0, 19);
}
