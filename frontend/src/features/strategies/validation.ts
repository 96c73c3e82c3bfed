/**
 * The strategy form's draft, its checks and its conversion to the API body. The checks mirror
 * app/src/control_plane/trading/strategy_config.py so most mistakes are caught before a request;
 * the API's 422 messages are mapped to the same field keys (see fieldErrorsFromApi).
 */
import type { Strategy, StrategyConfig, Underlying } from './types';

export interface TrailingStopDraft {
  trigger: string;
  lock: string;
}

export interface StrategyDraft {
  name: string;
  underlying: Underlying;
  expiryKind: 'nearest_daily' | 'nearest_weekly' | 'date';
  expiryDate: string;
  strikeKind: 'delta' | 'premium';
  strikeLow: string;
  strikeHigh: string;
  quantity: string;
  entryTime: string;
  exitTime: string;
  timezone: string;
  maxLossPct: string;
  maxProfitPct: string;
  trailingStops: TrailingStopDraft[];
  active: boolean;
}

/** Field key (the API's location without "body", e.g. `strike_selection.low`) → message; '' = whole form. */
export type FieldErrors = Record<string, string>;

export const MAX_TRAILING_STOPS = 20;

export function emptyDraft(): StrategyDraft {
  return {
    name: '',
    underlying: 'BTC',
    expiryKind: 'nearest_daily',
    expiryDate: '',
    strikeKind: 'delta',
    strikeLow: '0.1',
    strikeHigh: '0.15',
    quantity: '1',
    entryTime: '09:30',
    exitTime: '17:00',
    timezone: 'UTC',
    maxLossPct: '50',
    maxProfitPct: '80',
    trailingStops: [],
    active: false,
  };
}

/** "09:30:00" → "09:30" (what a time input shows); other seconds are kept. */
function shortTime(value: string): string {
  return value.replace(/^(\d{2}:\d{2}):00(\.0+)?$/, '$1');
}

export function draftFromStrategy(strategy: Strategy): StrategyDraft {
  const named = strategy.expiry_rule === 'nearest_daily' || strategy.expiry_rule === 'nearest_weekly';
  return {
    name: strategy.name,
    underlying: strategy.underlying,
    expiryKind: named ? (strategy.expiry_rule as 'nearest_daily' | 'nearest_weekly') : 'date',
    expiryDate: named ? '' : strategy.expiry_rule,
    strikeKind: strategy.strike_selection.kind,
    strikeLow: String(strategy.strike_selection.low),
    strikeHigh: String(strategy.strike_selection.high),
    quantity: String(strategy.quantity),
    entryTime: shortTime(strategy.entry_time),
    exitTime: shortTime(strategy.exit_time),
    timezone: strategy.timezone,
    maxLossPct: String(strategy.max_loss_pct),
    maxProfitPct: String(strategy.max_profit_pct),
    trailingStops: strategy.trailing_stops.map((rule) => ({ trigger: String(rule.trigger_pct), lock: String(rule.lock_pct) })),
    active: strategy.active,
  };
}

export function isKnownTimeZone(zone: string): boolean {
  if (!zone || zone !== zone.trim()) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isRealDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
}

interface Bound {
  gt?: number;
  ge?: number;
  lt?: number;
  le?: number;
  integer?: boolean;
}

/** The number in `raw`, or the message saying why it is not an acceptable one. */
function checkNumber(raw: string, bound: Bound): number | string {
  const text = raw.trim();
  if (text === '') return 'required';
  const value = Number(text);
  if (!Number.isFinite(value)) return 'must be a number';
  if (bound.integer && !Number.isInteger(value)) return 'must be a whole number';
  if (bound.gt !== undefined && !(value > bound.gt)) return `must be greater than ${bound.gt}`;
  if (bound.ge !== undefined && !(value >= bound.ge)) return `must be at least ${bound.ge}`;
  if (bound.lt !== undefined && !(value < bound.lt)) return `must be less than ${bound.lt}`;
  if (bound.le !== undefined && !(value <= bound.le)) return `must be at most ${bound.le}`;
  return value;
}

/** Either the API body for the draft, or the errors by field. */
export function validateDraft(draft: StrategyDraft): { config: StrategyConfig; errors: null } | { config: null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const number = (key: string, raw: string, bound: Bound): number => {
    const checked = checkNumber(raw, bound);
    if (typeof checked === 'string') {
      errors[key] = checked;
      return Number.NaN;
    }
    return checked;
  };

  const name = draft.name.trim();
  if (name === '') errors.name = 'name must not be blank';
  else if (name.length > 100) errors.name = 'at most 100 characters';

  let expiryRule: string = draft.expiryKind;
  if (draft.expiryKind === 'date') {
    if (!isRealDate(draft.expiryDate)) errors.expiry_rule = 'expiry_rule must be nearest_daily, nearest_weekly or a date YYYY-MM-DD';
    expiryRule = draft.expiryDate;
  }

  const band: Bound = draft.strikeKind === 'delta' ? { gt: 0, lt: 0.5 } : { gt: 0 };
  const low = number('strike_selection.low', draft.strikeLow, band);
  const high = number('strike_selection.high', draft.strikeHigh, band);
  if (!Number.isNaN(low) && !Number.isNaN(high) && low >= high) {
    errors['strike_selection'] = `${draft.strikeKind} band low must be less than high`;
  }

  const quantity = number('quantity', draft.quantity, { gt: 0, le: 100_000, integer: true });

  if (!TIME.test(draft.entryTime)) errors.entry_time = 'a time HH:MM is required';
  if (!TIME.test(draft.exitTime)) errors.exit_time = 'a time HH:MM is required';
  if (!errors.entry_time && !errors.exit_time && normalTime(draft.entryTime) === normalTime(draft.exitTime)) {
    errors.exit_time = 'entry_time and exit_time must differ';
  }

  if (!isKnownTimeZone(draft.timezone)) errors.timezone = `unknown IANA time zone '${draft.timezone}'`;

  const maxLoss = number('max_loss_pct', draft.maxLossPct, { gt: 0, le: 1000 });
  const maxProfit = number('max_profit_pct', draft.maxProfitPct, { gt: 0, le: 100 });

  if (draft.trailingStops.length > MAX_TRAILING_STOPS) {
    errors.trailing_stops = `at most ${MAX_TRAILING_STOPS} trailing stops`;
  }
  const trailing = draft.trailingStops.map((rule, index) => {
    const trigger = number(`trailing_stops.${index}.trigger_pct`, rule.trigger, { gt: 0, le: 100 });
    const lock = number(`trailing_stops.${index}.lock_pct`, rule.lock, { ge: 0, le: 100 });
    if (!Number.isNaN(trigger) && !Number.isNaN(lock) && lock >= trigger) {
      errors[`trailing_stops.${index}`] = 'trailing stop lock_pct must be less than trigger_pct';
    }
    return { trigger_pct: trigger, lock_pct: lock };
  });
  const triggers = trailing.map((rule) => rule.trigger_pct).filter((value) => !Number.isNaN(value));
  if (new Set(triggers).size !== triggers.length) {
    errors.trailing_stops = 'trailing stop trigger_pct values must be distinct';
  }

  if (Object.keys(errors).length > 0) return { config: null, errors };
  return {
    errors: null,
    config: {
      name,
      underlying: draft.underlying,
      expiry_rule: expiryRule,
      strike_selection: { kind: draft.strikeKind, low, high },
      quantity,
      entry_time: draft.entryTime,
      exit_time: draft.exitTime,
      timezone: draft.timezone,
      max_loss_pct: maxLoss,
      max_profit_pct: maxProfit,
      trailing_stops: [...trailing].sort((a, b) => a.trigger_pct - b.trigger_pct),
      active: draft.active,
    },
  };
}

function normalTime(value: string): string {
  return value.length === 5 ? `${value}:00` : value;
}

interface ValidationItem {
  loc?: unknown;
  msg?: unknown;
}

/**
 * FastAPI's 422 list as field errors: `["body", "strike_selection", "delta", "low"]` becomes
 * `strike_selection.low` (the union's tag is dropped); "Value error, " prefixes are removed.
 */
export function fieldErrorsFromApi(detail: unknown): FieldErrors {
  const errors: FieldErrors = {};
  if (!Array.isArray(detail)) return errors;
  for (const item of detail as ValidationItem[]) {
    const loc = Array.isArray(item.loc) ? item.loc.map(String) : [];
    if (loc[0] === 'body') loc.shift();
    if (loc[0] === 'strike_selection' && (loc[1] === 'delta' || loc[1] === 'premium')) loc.splice(1, 1);
    const key = loc.join('.');
    const message = String(item.msg ?? 'invalid value').replace(/^Value error, /, '');
    errors[key] = errors[key] ? `${errors[key]}; ${message}` : message;
  }
  return errors;
}
