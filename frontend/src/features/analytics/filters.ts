import type { QueryValue } from '../../lib/apiClient';
import { PRESETS, type Preset } from './types';

/** The Analytics screen's filters, kept in the URL so a view can be shared or reloaded. */
export interface AnalyticsFilters {
  preset: Preset;
  /** `YYYY-MM-DD`; when set, it overrides the preset's range. */
  start: string;
  end: string;
  strategyId: string;
  page: number;
}

export const DEFAULT_PRESET: Preset = '30d';
export const TIMELINE_PAGE_SIZE = 50;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function filtersFromSearch(search: URLSearchParams): AnalyticsFilters {
  const preset = search.get('preset');
  const page = Number(search.get('page'));
  const date = (key: string) => {
    const value = search.get(key) ?? '';
    return DATE.test(value) ? value : '';
  };
  const strategyId = search.get('strategy_id') ?? '';
  return {
    preset: PRESETS.includes(preset as Preset) ? (preset as Preset) : DEFAULT_PRESET,
    start: date('start'),
    end: date('end'),
    strategyId: /^\d+$/.test(strategyId) ? strategyId : '',
    page: Number.isInteger(page) && page > 0 ? page : 1,
  };
}

export function searchFromFilters(filters: AnalyticsFilters): URLSearchParams {
  const search = new URLSearchParams();
  if (filters.preset !== DEFAULT_PRESET) search.set('preset', filters.preset);
  if (filters.start) search.set('start', filters.start);
  if (filters.end) search.set('end', filters.end);
  if (filters.strategyId) search.set('strategy_id', filters.strategyId);
  if (filters.page > 1) search.set('page', String(filters.page));
  return search;
}

/** The filter part of the API query, shared by the history and the CSV export. */
export function apiFilterQuery(filters: AnalyticsFilters): Record<string, QueryValue> {
  return {
    preset: filters.preset,
    start: filters.start,
    end: filters.end,
    strategy_id: filters.strategyId,
  };
}

/** Why the range cannot be asked for, or null. */
export function rangeProblem(start: string, end: string): string | null {
  if (start && end && start > end) return 'The start date must not be after the end date.';
  return null;
}
