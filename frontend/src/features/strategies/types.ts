/** A strategy configuration as the API takes it (app: trading/strategy_config.py). */
export type Underlying = 'BTC' | 'ETH';

export type StrikeSelection = { kind: 'delta'; low: number; high: number } | { kind: 'premium'; low: number; high: number };

export interface TrailingStop {
  trigger_pct: number;
  lock_pct: number;
}

export interface StrategyConfig {
  name: string;
  underlying: Underlying;
  /** `nearest_daily`, `nearest_weekly` or a date `YYYY-MM-DD`. */
  expiry_rule: string;
  strike_selection: StrikeSelection;
  quantity: number;
  /** Wall-clock `HH:MM[:SS]` in `timezone`. */
  entry_time: string;
  exit_time: string;
  timezone: string;
  max_loss_pct: number;
  max_profit_pct: number;
  trailing_stops: TrailingStop[];
  active: boolean;
}

export interface Strategy extends StrategyConfig {
  id: number;
  created_at: string;
  updated_at: string;
}
