import type { ApiClient } from '../../lib/apiClient';
import type { Strategy, StrategyConfig } from './types';

export const STRATEGIES_KEY = ['strategies'] as const;

export function fetchStrategies(api: ApiClient, signal?: AbortSignal) {
  return api.request<Strategy[]>('/strategies', { signal });
}

export function createStrategy(api: ApiClient, config: StrategyConfig) {
  return api.request<Strategy>('/strategies', { method: 'POST', body: config });
}

export function replaceStrategy(api: ApiClient, id: number, config: StrategyConfig) {
  return api.request<Strategy>(`/strategies/${id}`, { method: 'PUT', body: config });
}

export function deleteStrategy(api: ApiClient, id: number) {
  return api.request<null>(`/strategies/${id}`, { method: 'DELETE' });
}
