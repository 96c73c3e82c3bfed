/**
 * The backtest form's draft and its conversion to the API body. The range rules (start before
 * end, at most a month) live in the API; its 422s come back by field (see fieldErrorsFromApi).
 */
import type { BacktestBody } from './types';

export interface BacktestDraft {
  strategyId: string;
  /** `YYYY-MM-DD`, UTC days; both are included in the range. */
  start: string;
  end: string;
  seed: string;
}

/** Field key (the API's location without "body") → message; '' = the whole form. */
export type FieldErrors = Record<string, string>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The last seven UTC days, today included. */
export function defaultDraft(now: number = Date.now()): BacktestDraft {
  return { strategyId: '', start: isoDay(now - 6 * DAY_MS), end: isoDay(now), seed: '0' };
}

/** The API body for a complete draft, or the fields still missing or malformed. */
export function backtestBody(draft: BacktestDraft): { body: BacktestBody } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (!draft.strategyId) errors.strategy = 'Choose a strategy.';
  if (!DATE.test(draft.start)) errors.start = 'Give the first day of the range.';
  if (!DATE.test(draft.end)) errors.end = 'Give the last day of the range.';
  if (!/^\d+$/.test(draft.seed.trim())) errors.seed = 'The seed is a whole number, 0 or more.';
  if (Object.keys(errors).length > 0) return { errors };
  // The last day is included: the simulation runs up to the next day's midnight.
  const end = isoDay(Date.parse(`${draft.end}T00:00:00Z`) + DAY_MS);
  return { body: { start: `${draft.start}T00:00:00Z`, end: `${end}T00:00:00Z`, seed: Number(draft.seed.trim()) } };
}
