import type { ApiClient } from '../../lib/apiClient';
import type { BacktestBody, BacktestResult } from './types';

export function runBacktest(api: ApiClient, strategyId: number, body: BacktestBody) {
  return api.request<BacktestResult>(`/strategies/${strategyId}/backtest`, { method: 'POST', body });
}

/** The same backtest (same body, so the same trades) as a streamed CSV file. */
export function exportBacktestCsv(api: ApiClient, strategyId: number, body: BacktestBody) {
  return api.download(`/strategies/${strategyId}/backtest/export`, { method: 'POST', body, accept: 'text/csv' });
}
