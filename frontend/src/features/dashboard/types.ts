/** Shapes of the sessions and kill-switch API (from the OpenAPI schema) and of the live-update socket. */
import type { Schemas } from '../../api/schema';

export type SessionStatus = Schemas['SessionOut']['status'];
export type PositionLeg = Schemas['PositionLeg'];
export type Position = Schemas['SessionPosition'];
export type TradingSession = Schemas['SessionOut'];
export type KillSwitch = Schemas['KillSwitchOut'];

// The socket sends fills as GET /api/sessions/{id}/fills serves them.
export type Fill = Schemas['SessionFill'];

export type LiveMessage =
  | { type: 'snapshot'; sessions: TradingSession[]; kill_switch: KillSwitch }
  | { type: 'session'; session: TradingSession }
  | { type: 'fill'; session_id: number; fill: Fill }
  | { type: 'kill_switch'; kill_switch: KillSwitch };

export const LIVE_STATUSES: readonly SessionStatus[] = ['running', 'paused'];

export function isLive(session: TradingSession): boolean {
  return LIVE_STATUSES.includes(session.status);
}
