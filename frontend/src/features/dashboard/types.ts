/** Shapes of the sessions, kill-switch and live-update API (contract: API.md "Sessions"). */
export type SessionStatus = 'running' | 'paused' | 'stopped' | 'panic_closed' | 'interrupted';

export interface PositionLeg {
  option_type: 'call' | 'put';
  strike: number;
  entry_price: number;
  /** Null until the engine has marked the leg. */
  mark_price: number | null;
}

export interface Position {
  opened_at: string;
  expiry: string;
  contracts: number;
  legs: PositionLeg[];
  premium_collected: number;
  unrealised_pnl: number;
}

export interface TradingSession {
  id: number;
  strategy_id: number;
  strategy_name: string;
  mode: 'paper' | 'live' | string;
  status: SessionStatus;
  started_at: string;
  ended_at: string | null;
  status_reason: string | null;
  realised_pnl: number;
  unrealised_pnl: number;
  fees: number;
  trade_count: number;
  position: Position | null;
  updated_at: string;
}

export interface KillSwitch {
  tripped: boolean;
  tripped_at: string | null;
  reason: string | null;
  daily_loss_limit: number;
  day_pnl: number;
}

export interface Fill {
  time: string;
  option_type: 'call' | 'put';
  strike: number;
  side: 'buy' | 'sell' | string;
  price: number;
  contracts: number;
  fee: number;
}

export type LiveMessage =
  | { type: 'snapshot'; sessions: TradingSession[]; kill_switch: KillSwitch }
  | { type: 'session'; session: TradingSession }
  | { type: 'fill'; session_id: number; fill: Fill }
  | { type: 'kill_switch'; kill_switch: KillSwitch };

export const LIVE_STATUSES: readonly SessionStatus[] = ['running', 'paused'];

export function isLive(session: TradingSession): boolean {
  return LIVE_STATUSES.includes(session.status);
}
