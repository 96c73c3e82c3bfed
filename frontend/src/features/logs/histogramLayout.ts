/** Pure layout of the volume histogram: stacked bar segments, and a drag's pixels as a time range. */
import type { VolumeHistogram } from './types';

export const STACK_ORDER = ['CRITICAL', 'ERROR', 'WARNING', 'INFO', 'DEBUG'] as const;

export interface BarSegment {
  level: string;
  y: number;
  height: number;
  count: number;
}

export interface Bar {
  start: number;
  end: number;
  total: number;
  segments: BarSegment[];
}

/** Bars with segments stacked from the bottom (most severe lowest), heights in units of `height`. */
export function layoutBars(histogram: VolumeHistogram, height: number): { bars: Bar[]; max: number } {
  const width = histogram.bucket_seconds * 1000;
  const totals = histogram.buckets.map((bucket) => Object.values(bucket.counts).reduce((sum, n) => sum + n, 0));
  const max = Math.max(0, ...totals);
  const bars = histogram.buckets.map((bucket, index) => {
    const start = Date.parse(bucket.start);
    const levels = [
      ...STACK_ORDER.filter((level) => bucket.counts[level]),
      ...Object.keys(bucket.counts).filter((level) => !(STACK_ORDER as readonly string[]).includes(level)),
    ];
    let y = height;
    const segments = levels.map((level) => {
      const count = bucket.counts[level] ?? 0;
      const segmentHeight = max > 0 ? (count / max) * height : 0;
      y -= segmentHeight;
      return { level, y, height: segmentHeight, count };
    });
    return { start, end: start + width, total: totals[index] ?? 0, segments };
  });
  return { bars, max };
}

/** The time at a fraction (0…1) of the histogram's width. */
export function timeAt(histogram: VolumeHistogram, fraction: number): number {
  const first = Date.parse(histogram.buckets[0]?.start ?? histogram.start);
  const last = first + histogram.buckets.length * histogram.bucket_seconds * 1000;
  return first + Math.min(1, Math.max(0, fraction)) * (last - first);
}

/** A drag from one fraction to another as a range, snapped outwards to whole seconds. */
export function dragRange(histogram: VolumeHistogram, from: number, to: number): { start: number; end: number } {
  const a = timeAt(histogram, Math.min(from, to));
  const b = timeAt(histogram, Math.max(from, to));
  return { start: Math.floor(a / 1000) * 1000, end: Math.max(Math.ceil(b / 1000) * 1000, Math.floor(a / 1000) * 1000 + 1000) };
}
