import type { ApiClient } from '../../lib/apiClient';
import { apiFilterQuery, TIMELINE_PAGE_SIZE, type AnalyticsFilters } from './filters';
import type { AnalyticsHistory } from './types';

export function fetchHistory(api: ApiClient, filters: AnalyticsFilters, signal?: AbortSignal) {
  return api.request<AnalyticsHistory>('/analytics/history', {
    query: { ...apiFilterQuery(filters), page: filters.page, page_size: TIMELINE_PAGE_SIZE },
    signal,
  });
}

export function exportCsv(api: ApiClient, filters: AnalyticsFilters) {
  return api.download('/analytics/export', {
    query: { format: 'csv', ...apiFilterQuery(filters) },
    accept: 'text/csv',
  });
}
