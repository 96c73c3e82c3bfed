import { describe, expect, it } from 'vitest';
import { dragRange, layoutBars, timeAt } from './histogramLayout';
import type { VolumeHistogram } from './types';

const histogram: VolumeHistogram = {
  start: '2026-11-22T08:00:00.000000Z',
  end: '2026-11-22T08:04:00.000000Z',
  bucket_seconds: 60,
  buckets: [
    { start: '2026-11-22T08:00:00.000000Z', counts: { INFO: 6, ERROR: 2 } },
    { start: '2026-11-22T08:01:00.000000Z', counts: {} },
    { start: '2026-11-22T08:02:00.000000Z', counts: { DEBUG: 4 } },
    { start: '2026-11-22T08:03:00.000000Z', counts: { INFO: 1, AUDIT: 1 } },
  ],
};

describe('histogram layout', () => {
  it('stacks each bar from the bottom, the most severe level lowest, scaled to the fullest bar', () => {
    const { bars, max } = layoutBars(histogram, 100);
    expect(max).toBe(8);
    expect(bars.map((bar) => bar.total)).toEqual([8, 0, 4, 2]);
    expect(bars[0]?.segments).toEqual([
      { level: 'ERROR', y: 75, height: 25, count: 2 },
      { level: 'INFO', y: 0, height: 75, count: 6 },
    ]);
    expect(bars[1]?.segments).toEqual([]);
    expect(bars[3]?.segments.map((segment) => segment.level)).toEqual(['INFO', 'AUDIT']);
    expect((bars[2]?.end ?? 0) - (bars[2]?.start ?? 0)).toBe(60_000);
  });

  it('turns a drag across the chart into a range of whole seconds, either direction', () => {
    expect(timeAt(histogram, 0.5)).toBe(Date.parse('2026-11-22T08:02:00Z'));
    const range = dragRange(histogram, 0.75, 0.25);
    expect(new Date(range.start).toISOString()).toBe('2026-11-22T08:01:00.000Z');
    expect(new Date(range.end).toISOString()).toBe('2026-11-22T08:03:00.000Z');
    const tiny = dragRange(histogram, 0.5, 0.5);
    expect(tiny.end - tiny.start).toBe(1000);
  });
});
