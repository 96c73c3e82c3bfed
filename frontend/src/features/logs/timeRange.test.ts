import { describe, expect, it } from 'vitest';
import { formatInZone, inputFromIso, isoFromInput, isRangePreset, rangeStartIso } from './timeRange';

describe('time ranges and clocks', () => {
  it('puts a preset start that far before now, in whole seconds', () => {
    const now = Date.parse('2026-11-22T08:30:15.900Z');
    expect(rangeStartIso('15m', now)).toBe('2026-11-22T08:15:15Z');
    expect(rangeStartIso('7d', now)).toBe('2026-11-15T08:30:15Z');
    expect(isRangePreset('24h')).toBe(true);
    expect(isRangePreset('2h')).toBe(false);
  });

  it('shows a timestamp on the UTC clock or the local one', () => {
    const ts = '2026-11-22T00:04:00.548610Z';
    expect(formatInZone(ts, 'utc')).toBe('2026-11-22 00:04:00.548');
    const local = new Date(ts);
    const expected = `${local.getFullYear()}-${String(local.getMonth() + 1).padStart(2, '0')}-${String(local.getDate()).padStart(2, '0')} ${String(local.getHours()).padStart(2, '0')}:04:00.548`;
    expect(formatInZone(ts, 'local')).toBe(expected);
    expect(formatInZone(null, 'local')).toBe('—');
  });

  it('reads datetime-local inputs on the chosen clock and writes them back', () => {
    expect(isoFromInput('2026-11-22T08:30', 'utc')).toBe('2026-11-22T08:30:00Z');
    expect(isoFromInput('2026-11-22T08:30:15', 'utc')).toBe('2026-11-22T08:30:15Z');
    expect(isoFromInput('', 'utc')).toBe('');
    expect(inputFromIso('2026-11-22T08:30:15Z', 'utc')).toBe('2026-11-22T08:30:15');
    const iso = isoFromInput('2026-11-22T08:30:15', 'local');
    expect(new Date(iso).getHours()).toBe(8);
    expect(inputFromIso(iso, 'local')).toBe('2026-11-22T08:30:15');
  });
});
