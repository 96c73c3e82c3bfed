import type { Fill, TradingSession } from './types';

export const MAX_FILLS_KEPT = 20;

/** The list with `session` in place of the one with its id (or added), newest first. */
export function upsertSession(list: readonly TradingSession[] | undefined, session: TradingSession): TradingSession[] {
  const others = (list ?? []).filter((item) => item.id !== session.id);
  return [session, ...others].sort((a, b) => b.id - a.id);
}

/** A snapshot is authoritative for the sessions it names; ended ones it leaves out stay. */
export function mergeSnapshot(
  list: readonly TradingSession[] | undefined,
  snapshot: readonly TradingSession[],
): TradingSession[] {
  return snapshot.reduce<TradingSession[]>((merged, session) => upsertSession(merged, session), [...(list ?? [])]);
}

/** A fill read from the API may arrive again over the socket: each is kept once. */
export function prependFill(fills: readonly Fill[] | undefined, fill: Fill): Fill[] {
  const others = (fills ?? []).filter((item) => item.id !== fill.id);
  return [fill, ...others].slice(0, MAX_FILLS_KEPT);
}
