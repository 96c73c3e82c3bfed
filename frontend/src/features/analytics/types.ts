/** GET /api/analytics/history (contract: API.md "Analytics"). */
export const PRESETS = ['today', '7d', '30d', '90d', 'ytd', 'all'] as const;
export type Preset = (typeof PRESETS)[number];

export interface SeriesPoint {
  time: string;
  value: number;
}

export interface AnalyticsMetrics {
  net_pnl: number;
  gross_pnl: number;
  fees: number;
  trade_count: number;
  win_rate: number | null;
  average_win: number | null;
  average_loss: number | null;
  profit_factor: number | null;
  max_drawdown: number;
  longest_win_streak: number;
  longest_loss_streak: number;
  profitable_days: number;
  trading_days: number;
  sharpe: number | null;
}

export interface TimelineItem {
  id: number;
  time: string;
  event: string;
  session_id: number | null;
  strategy_id: number | null;
  strategy_name: string | null;
  message: string;
  pnl: number | null;
}

export interface AnalyticsHistory {
  filters: { start: string | null; end: string | null; preset: string; strategy_id: number | null };
  metrics: AnalyticsMetrics;
  series: { cumulative_pnl: SeriesPoint[]; drawdown: SeriesPoint[] };
  timeline: { items: TimelineItem[]; page: number; page_size: number; total: number };
}
