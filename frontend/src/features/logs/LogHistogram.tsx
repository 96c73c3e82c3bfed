import { useQuery } from '@tanstack/react-query';
import { useRef, useState, type PointerEvent } from 'react';
import { useServices } from '../../app/services';
import { describeError } from '../../lib/describeError';
import { fetchHistogram } from './api';
import { searchFromFilters, type LogFilters } from './filters';
import { dragRange, layoutBars, STACK_ORDER } from './histogramLayout';
import { formatInZone, isoSeconds, type TimeZoneChoice } from './timeRange';
import styles from './LogHistogram.module.css';
import pageStyles from './LogViewerPage.module.css';

const WIDTH = 1000;
const HEIGHT = 100;
// A press that moves less than this (in viewBox units) is a click: it zooms to its bar.
const CLICK_SLOP = 4;

interface Props {
  filters: LogFilters;
  timeZone: TimeZoneChoice;
  onZoom: (startIso: string, endIso: string) => void;
}

/** Rows per time bucket and level over the range; drag across it (or click a bar) to zoom in. */
export function LogHistogram({ filters, timeZone, onZoom }: Props) {
  const { api } = useServices();
  const histogram = useQuery({
    queryKey: ['logs', 'histogram', searchFromFilters(filters).toString()],
    queryFn: ({ signal }) => fetchHistogram(api, filters, signal),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
  const svgRef = useRef<SVGSVGElement>(null);
  const [drag, setDrag] = useState<{ from: number; to: number } | null>(null);

  const fractionOf = (event: PointerEvent<SVGSVGElement>) => {
    const box = svgRef.current?.getBoundingClientRect();
    if (!box || box.width === 0) return 0;
    return Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
  };

  if (histogram.isError) {
    return (
      <p role="alert" className={pageStyles.error}>
        Could not load the volume histogram: {describeError(histogram.error)}
      </p>
    );
  }
  const data = histogram.data;
  const { bars, max } = data ? layoutBars(data, HEIGHT) : { bars: [], max: 0 };
  const total = bars.reduce((sum, bar) => sum + bar.total, 0);
  const barWidth = bars.length > 0 ? WIDTH / bars.length : WIDTH;

  function finish(event: PointerEvent<SVGSVGElement>) {
    if (!drag || !data) return;
    const to = fractionOf(event);
    setDrag(null);
    const moved = Math.abs(to - drag.from) * WIDTH;
    const range =
      moved < CLICK_SLOP
        ? (() => {
            const bar = bars[Math.min(bars.length - 1, Math.floor(drag.from * bars.length))];
            return bar ? { start: bar.start, end: bar.end } : null;
          })()
        : dragRange(data, drag.from, to);
    if (range) onZoom(isoSeconds(range.start), isoSeconds(range.end));
  }

  const selection = drag ? { x: Math.min(drag.from, drag.to) * WIDTH, width: Math.abs(drag.to - drag.from) * WIDTH } : null;
  const summary = data
    ? `${total.toLocaleString('en-US')} entries from ${formatInZone(data.start, timeZone)} to ${formatInZone(data.end, timeZone)}, ${bars.length} bars of ${bucketLabel(data.bucket_seconds)}`
    : 'Loading volume…';

  return (
    <figure className={styles.histogram} aria-label="Log volume">
      <svg
        ref={svgRef}
        className={styles.chart}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`Log volume by level: ${summary}. Drag across it to zoom in.`}
        data-testid="log-histogram"
        data-bucket-seconds={data?.bucket_seconds}
        onPointerDown={(event) => {
          if (!data || event.button !== 0) return;
          event.currentTarget.setPointerCapture(event.pointerId);
          const at = fractionOf(event);
          setDrag({ from: at, to: at });
        }}
        onPointerMove={(event) => drag && setDrag({ ...drag, to: fractionOf(event) })}
        onPointerUp={finish}
        onPointerCancel={() => setDrag(null)}
      >
        {bars.map((bar, index) => (
          <g key={bar.start}>
            <title>{`${formatInZone(new Date(bar.start).toISOString(), timeZone)}: ${bar.total} entries`}</title>
            {bar.segments.map((segment) => (
              <rect
                key={segment.level}
                className={styles[`bar${segment.level}`] ?? styles.barOther}
                x={index * barWidth + barWidth * 0.08}
                width={barWidth * 0.84}
                y={segment.y}
                height={segment.height}
              />
            ))}
          </g>
        ))}
        {selection && <rect className={styles.selection} x={selection.x} width={Math.max(selection.width, 1)} y={0} height={HEIGHT} />}
      </svg>
      <figcaption className={styles.caption}>
        <span>{data ? formatInZone(data.start, timeZone) : ''}</span>
        <span className={styles.legend}>
          {STACK_ORDER.slice()
            .reverse()
            .map((level) => (
              <span key={level} className={styles.legendItem}>
                <span className={`${styles.swatch} ${styles[`bar${level}`]}`} aria-hidden="true" />
                {level}
              </span>
            ))}
          <span className={styles.max}>max {max.toLocaleString('en-US')}/bar</span>
        </span>
        <span>{data ? formatInZone(data.end, timeZone) : ''}</span>
      </figcaption>
    </figure>
  );
}

function bucketLabel(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${seconds / 60} min`;
  if (seconds < 86400) return `${seconds / 3600} h`;
  return `${seconds / 86400} d`;
}
