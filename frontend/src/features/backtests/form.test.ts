import { describe, expect, it } from 'vitest';
import { backtestBody, defaultDraft } from './form';

describe('backtest form', () => {
  it('sends whole UTC days with the last day included', () => {
    expect(backtestBody({ strategyId: '3', start: '2026-12-25', end: '2026-12-31', seed: ' 7 ' })).toEqual({
      body: { start: '2026-12-25T00:00:00Z', end: '2027-01-01T00:00:00Z', seed: 7 },
    });
  });

  it('names every missing or malformed field and sends nothing', () => {
    expect(backtestBody({ strategyId: '', start: '', end: '2026-13', seed: '-1' })).toEqual({
      errors: {
        strategy: 'Choose a strategy.',
        start: 'Give the first day of the range.',
        end: 'Give the last day of the range.',
        seed: 'The seed is a whole number, 0 or more.',
      },
    });
  });

  it('starts with the last seven days, today included', () => {
    const draft = defaultDraft(Date.parse('2026-12-04T22:00:00Z'));
    expect([draft.start, draft.end, draft.seed]).toEqual(['2026-11-28', '2026-12-04', '0']);
  });
});
