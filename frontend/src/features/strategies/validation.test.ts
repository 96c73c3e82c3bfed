import { describe, expect, it } from 'vitest';
import { strategyConfig } from '../../test/tradingBackend';
import { draftFromStrategy, emptyDraft, fieldErrorsFromApi, validateDraft, type StrategyDraft } from './validation';

const draft = (overrides: Partial<StrategyDraft> = {}): StrategyDraft => ({ ...emptyDraft(), name: 'BTC daily', ...overrides });
const errorsOf = (overrides: Partial<StrategyDraft>) => validateDraft(draft(overrides)).errors;

describe('validateDraft (mirrors strategy_config.py)', () => {
  it('turns a good draft into the API body, trailing stops sorted by trigger', () => {
    const result = validateDraft(
      draft({
        name: '  BTC daily ',
        trailingStops: [
          { trigger: '60', lock: '30' },
          { trigger: '40', lock: '0' },
        ],
      }),
    );
    expect(result.errors).toBeNull();
    expect(result.config).toEqual({
      name: 'BTC daily',
      underlying: 'BTC',
      expiry_rule: 'nearest_daily',
      strike_selection: { kind: 'delta', low: 0.1, high: 0.15 },
      quantity: 1,
      entry_time: '09:30',
      exit_time: '17:00',
      timezone: 'UTC',
      max_loss_pct: 50,
      max_profit_pct: 80,
      trailing_stops: [
        { trigger_pct: 40, lock_pct: 0 },
        { trigger_pct: 60, lock_pct: 30 },
      ],
      active: false,
    });
  });

  it.each([
    [{ name: '   ' }, 'name', 'name must not be blank'],
    [{ name: 'x'.repeat(101) }, 'name', 'at most 100 characters'],
    [{ expiryKind: 'date' as const, expiryDate: '2026-02-30' }, 'expiry_rule', 'expiry_rule must be nearest_daily, nearest_weekly or a date YYYY-MM-DD'],
    [{ strikeLow: '0' }, 'strike_selection.low', 'must be greater than 0'],
    [{ strikeHigh: '0.5' }, 'strike_selection.high', 'must be less than 0.5'],
    [{ strikeLow: '0.2', strikeHigh: '0.15' }, 'strike_selection', 'delta band low must be less than high'],
    [{ strikeKind: 'premium' as const, strikeLow: '30', strikeHigh: '20' }, 'strike_selection', 'premium band low must be less than high'],
    [{ quantity: '1.5' }, 'quantity', 'must be a whole number'],
    [{ quantity: '100001' }, 'quantity', 'must be at most 100000'],
    [{ quantity: '' }, 'quantity', 'required'],
    [{ exitTime: '09:30' }, 'exit_time', 'entry_time and exit_time must differ'],
    [{ entryTime: '25:00' }, 'entry_time', 'a time HH:MM is required'],
    [{ timezone: 'Mars/Olympus' }, 'timezone', "unknown IANA time zone 'Mars/Olympus'"],
    [{ maxLossPct: '1000.5' }, 'max_loss_pct', 'must be at most 1000'],
    [{ maxProfitPct: '101' }, 'max_profit_pct', 'must be at most 100'],
    [{ maxProfitPct: 'abc' }, 'max_profit_pct', 'must be a number'],
    [{ trailingStops: [{ trigger: '40', lock: '40' }] }, 'trailing_stops.0', 'trailing stop lock_pct must be less than trigger_pct'],
    [{ trailingStops: [{ trigger: '0', lock: '0' }] }, 'trailing_stops.0.trigger_pct', 'must be greater than 0'],
    [{ trailingStops: [{ trigger: '40', lock: '-1' }] }, 'trailing_stops.0.lock_pct', 'must be at least 0'],
    [
      { trailingStops: [{ trigger: '40', lock: '10' }, { trigger: '40', lock: '20' }] },
      'trailing_stops',
      'trailing stop trigger_pct values must be distinct',
    ],
  ])('refuses %o at %s', (overrides, key, message) => {
    expect(errorsOf(overrides)?.[key]).toBe(message);
  });

  it('accepts the edges the API accepts', () => {
    expect(errorsOf({ maxLossPct: '1000', maxProfitPct: '100', quantity: '100000', strikeLow: '0.01', strikeHigh: '0.49' })).toBeNull();
    expect(errorsOf({ strikeKind: 'premium', strikeLow: '5', strikeHigh: '500' })).toBeNull();
    expect(errorsOf({ expiryKind: 'date', expiryDate: '2026-12-25', timezone: 'Asia/Kolkata', entryTime: '23:00', exitTime: '01:00' })).toBeNull();
  });

  it('fills the form from a saved strategy and gives the same body back', () => {
    const saved = { ...strategyConfig({ expiry_rule: '2026-12-25' }), id: 3, created_at: '', updated_at: '' };
    const form = draftFromStrategy(saved);
    expect(form).toMatchObject({ expiryKind: 'date', expiryDate: '2026-12-25', entryTime: '09:30', exitTime: '17:00' });
    expect(validateDraft(form).config).toEqual({ ...strategyConfig({ expiry_rule: '2026-12-25' }), entry_time: '09:30', exit_time: '17:00' });
  });
});

describe('fieldErrorsFromApi', () => {
  it('maps FastAPI locations to the form fields, without the union tag or "Value error, "', () => {
    expect(
      fieldErrorsFromApi([
        { loc: ['body', 'strike_selection', 'delta', 'high'], msg: 'Input should be less than 0.5' },
        { loc: ['body', 'strike_selection', 'premium'], msg: 'Value error, premium band low must be less than high' },
        { loc: ['body', 'trailing_stops', 1, 'lock_pct'], msg: 'Input should be less than or equal to 100' },
        { loc: ['body'], msg: 'Value error, entry_time and exit_time must differ' },
        { loc: ['body', 'timezone'], msg: "Value error, unknown IANA time zone 'Nowhere'" },
      ]),
    ).toEqual({
      'strike_selection.high': 'Input should be less than 0.5',
      strike_selection: 'premium band low must be less than high',
      'trailing_stops.1.lock_pct': 'Input should be less than or equal to 100',
      '': 'entry_time and exit_time must differ',
      timezone: "unknown IANA time zone 'Nowhere'",
    });
  });

  it('ignores a detail that is not a list', () => {
    expect(fieldErrorsFromApi('nope')).toEqual({});
  });
});
