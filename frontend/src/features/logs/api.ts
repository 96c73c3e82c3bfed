import type { ApiClient } from '../../lib/apiClient';
import { apiQueryFromFilters, type LogFilters } from './filters';
import type { LogContext, LogFacets, LogPage, VolumeHistogram } from './types';

export const PAGE_SIZE = 500;

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

export function fetchLogContext(api: ApiClient, id: number, around: number, archived: boolean, signal?: AbortSignal) {
  return fetchLogContextSides(api, id, { before: around, after: around }, archived, signal);
}

/** The lines around `id`, a different count each side (0 on one side pages the other). */
export function fetchLogContextSides(
  api: ApiClient,
  id: number,
  sides: { before: number; after: number },
  archived: boolean,
  signal?: AbortSignal,
) {
  return api.request<LogContext>(`/logs/${id}/context`, {
    query: { ...sides, ...(archived ? { archived: 'true' } : {}) },
    signal,
  });
}

export type DownloadFormat = 'ndjson' | 'csv';

/** Every row of the filters, streamed by the API, fetched with the bearer token. */
export function downloadLogs(api: ApiClient, filters: LogFilters, format: DownloadFormat) {
  return api.download('/logs/download', {
    query: { ...apiQueryFromFilters(filters), format },
    accept: format === 'csv' ? 'text/csv' : 'application/x-ndjson',
  });
}

export function fetchFacets(api: ApiClient, signal?: AbortSignal) {
  return api.request<LogFacets>('/logs/facets', { signal });
}

export function fetchHistogram(api: ApiClient, filters: LogFilters, signal?: AbortSignal) {
  return api.request<VolumeHistogram>('/logs/histogram', { query: apiQueryFromFilters(filters), signal });
}
