import { formatPnl } from '../../lib/format';
import type { SeriesPoint } from './types';
import styles from './AnalyticsPage.module.css';

const WIDTH = 640;
const HEIGHT = 200;
const PAD = { top: 12, right: 12, bottom: 24, left: 64 };

interface Props {
  title: string;
  points: readonly SeriesPoint[];
  /** Drawdown is drawn as a filled area under zero. */
  variant?: 'line' | 'area';
}

/** Scales a series into the chart's box; exported for tests of the geometry. */
export function chartPath(points: readonly SeriesPoint[]) {
  const times = points.map((point) => Date.parse(point.time));
  const values = points.map((point) => point.value);
  const minTime = Math.min(...times);
  const maxTime = Math.max(...times);
  const minValue = Math.min(0, ...values);
  const maxValue = Math.max(0, ...values);
  const spanTime = maxTime - minTime || 1;
  const spanValue = maxValue - minValue || 1;
  const innerWidth = WIDTH - PAD.left - PAD.right;
  const innerHeight = HEIGHT - PAD.top - PAD.bottom;
  const x = (time: number) => PAD.left + ((time - minTime) / spanTime) * innerWidth;
  const y = (value: number) => PAD.top + ((maxValue - value) / spanValue) * innerHeight;
  const line = points
    .map((point, index) => `${index === 0 ? 'M' : 'L'}${x(times[index] ?? 0).toFixed(1)},${y(point.value).toFixed(1)}`)
    .join(' ');
  return { line, zeroY: y(0), minValue, maxValue, firstX: x(minTime), lastX: x(maxTime), lastY: y(values.at(-1) ?? 0) };
}

/** A small hand-rolled SVG line chart (no chart library: it keeps the bundle small). */
export function LineChart({ title, points, variant = 'line' }: Props) {
  if (points.length === 0) {
    return (
      <figure className={`card ${styles.chart}`}>
        <figcaption className={styles.chartTitle}>{title}</figcaption>
        <p className={styles.muted}>No trades in this range.</p>
      </figure>
    );
  }
  const { line, zeroY, minValue, maxValue, firstX, lastX, lastY } = chartPath(points);
  const last = points[points.length - 1];
  const first = points[0];
  const summary = `${title}: ${points.length} points from ${first?.time.slice(0, 10)} to ${last?.time.slice(0, 10)}, last ${formatPnl(last?.value)}, range ${formatPnl(minValue)} to ${formatPnl(maxValue)}`;
  return (
    <figure className={`card ${styles.chart}`}>
      <figcaption className={styles.chartTitle}>
        {title} <span className={styles.muted}>last {formatPnl(last?.value)}</span>
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary} className={styles.svg}>
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={zeroY} y2={zeroY} className={styles.zero} />
        <text x={PAD.left - 6} y={PAD.top + 4} className={styles.axisLabel} textAnchor="end">
          {formatPnl(maxValue)}
        </text>
        <text x={PAD.left - 6} y={HEIGHT - PAD.bottom} className={styles.axisLabel} textAnchor="end">
          {formatPnl(minValue)}
        </text>
        <text x={PAD.left} y={HEIGHT - 6} className={styles.axisLabel}>
          {first?.time.slice(0, 10)}
        </text>
        <text x={WIDTH - PAD.right} y={HEIGHT - 6} className={styles.axisLabel} textAnchor="end">
          {last?.time.slice(0, 10)}
        </text>
        {variant === 'area' && (
          <path d={`${line} L${lastX.toFixed(1)},${zeroY.toFixed(1)} L${firstX.toFixed(1)},${zeroY.toFixed(1)} Z`} className={styles.area} />
        )}
        <path d={line} className={variant === 'area' ? styles.areaLine : styles.line} fill="none" />
        {/* One point draws no line: a dot shows where it is. */}
        {points.length === 1 && <circle cx={lastX} cy={lastY} r={4} className={styles.dot} />}
      </svg>
    </figure>
  );
}
