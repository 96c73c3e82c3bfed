import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useLayoutEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { auditFacts, firstLine, isUiRow, levelClassName, rowActor } from './format';
import { Highlighted } from './highlight';
import { formatInZone, zoneLabel, type TimeZoneChoice } from './timeRange';
import type { LogEntry } from './types';
import styles from './LogTable.module.css';

export const ROW_HEIGHT = 34;
const EXPANDED_ESTIMATE = 360;

interface LogTableProps {
  rows: readonly LogEntry[];
  expandedIds: ReadonlySet<number>;
  onToggle: (id: number) => void;
  onCorrelationId: (correlationId: string) => void;
  renderDetails: (row: LogEntry) => ReactNode;
  /** The clock times are shown on (UTC unless asked). */
  timeZone?: TimeZoneChoice;
  /** Show whole messages over several lines instead of their first line cut to the column. */
  wrap?: boolean;
  /** Words of the text search, marked where they appear. */
  highlightWords?: readonly string[];
}

const NO_WORDS: readonly string[] = [];

/** Only the rows in view are in the DOM, so 100,000 loaded rows scroll like 50. */
export function LogTable({
  rows,
  expandedIds,
  onToggle,
  onCorrelationId,
  renderDetails,
  timeZone = 'utc',
  wrap = false,
  highlightWords = NO_WORDS,
}: LogTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // Stable callbacks: the virtualiser re-lays out every row when these change identity,
  // which with 100,000 rows would cost each scroll frame.
  const estimateSize = useCallback(
    (index: number) => {
      const row = rows[index];
      return row && expandedIds.has(row.id) ? EXPANDED_ESTIMATE : ROW_HEIGHT;
    },
    [rows, expandedIds],
  );
  const getItemKey = useCallback((index: number) => rows[index]?.id ?? index, [rows]);
  const getScrollElement = useCallback(() => scrollRef.current, []);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement,
    estimateSize,
    getItemKey,
    overscan: 12,
  });

  // Live tail prepends rows; a reader scrolled down keeps their place instead of being
  // pushed along by each batch. At the top, new rows simply appear.
  const firstIdRef = useRef<number | undefined>(rows[0]?.id);
  useLayoutEffect(() => {
    const previousFirst = firstIdRef.current;
    firstIdRef.current = rows[0]?.id;
    const scroller = scrollRef.current;
    if (previousFirst === undefined || !scroller || scroller.scrollTop === 0) return;
    const prepended = rows.findIndex((row) => row.id === previousFirst);
    if (prepended > 0) scroller.scrollTop += prepended * ROW_HEIGHT;
  }, [rows]);

  function focusRow(index: number) {
    if (index < 0 || index >= rows.length) return;
    virtualizer.scrollToIndex(index, { align: 'auto' });
    // The target row may only be rendered after the scroll, hence the frame's wait.
    requestAnimationFrame(() => {
      scrollRef.current?.querySelector<HTMLButtonElement>(`[data-row-toggle="${index}"]`)?.focus();
    });
  }

  // One handler for all rows, so a row's props stay equal between scroll frames.
  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const target = event.target as HTMLElement;
    const rowElement = target.closest<HTMLElement>('[data-index]');
    if (target.tagName !== 'BUTTON' || !rowElement) return;
    const index = Number(rowElement.dataset.index);
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      Home: 0,
      End: rows.length - 1,
    };
    const destination = moves[event.key];
    if (destination === undefined) return;
    event.preventDefault();
    focusRow(destination);
  }

  return (
    <div
      className={`${styles.table} ${wrap ? styles.wrapped : ''}`}
      role="table"
      aria-label="Log entries"
      aria-rowcount={rows.length + 1}
    >
      <div className={`${styles.row} ${styles.header}`} role="row" aria-rowindex={1}>
        <span role="columnheader" className={styles.toggleCell}>
          <span className="visually-hidden">Details</span>
        </span>
        <span role="columnheader">Time ({zoneLabel(timeZone)})</span>
        <span role="columnheader">Level</span>
        <span role="columnheader">Logger</span>
        <span role="columnheader">Event</span>
        <span role="columnheader">Message</span>
        <span role="columnheader">Correlation id</span>
      </div>
      <div ref={scrollRef} className={styles.scroller} data-testid="log-scroller" onKeyDown={onKeyDown}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            const expanded = expandedIds.has(row.id);
            return (
              <LogRow
                key={item.key}
                row={row}
                index={item.index}
                start={item.start}
                expanded={expanded}
                measureRef={virtualizer.measureElement}
                onToggle={onToggle}
                onCorrelationId={onCorrelationId}
                details={expanded ? renderDetails(row) : null}
                timeZone={timeZone}
                wrap={wrap}
                words={highlightWords}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

interface LogRowProps {
  row: LogEntry;
  index: number;
  start: number;
  expanded: boolean;
  measureRef: (element: HTMLElement | null) => void;
  onToggle: (id: number) => void;
  onCorrelationId: (correlationId: string) => void;
  details: ReactNode;
  timeZone: TimeZoneChoice;
  wrap: boolean;
  words: readonly string[];
}

// Memoised so a scroll frame renders only the rows that came into view.
const LogRow = memo(function LogRow({
  row,
  index,
  start,
  expanded,
  measureRef,
  onToggle,
  onCorrelationId,
  details,
  timeZone,
  wrap,
  words,
}: LogRowProps) {
  const detailsId = `log-details-${row.id}`;
  return (
    <div
      data-index={index}
      ref={measureRef}
      role="row"
      aria-rowindex={index + 2}
      className={`${styles.item} ${expanded ? styles.expanded : ''}`}
      style={{ transform: `translateY(${start}px)` }}
    >
      <div
        className={`${styles.row} ${isUiRow(row) ? styles.uiRow : ''}`}
        data-level={row.level ?? ''}
        data-source={isUiRow(row) ? 'ui' : row.source}
      >
        <span role="cell" className={styles.toggleCell}>
          <button
            type="button"
            className={styles.toggle}
            data-row-toggle={index}
            aria-expanded={expanded}
            aria-controls={expanded ? detailsId : undefined}
            aria-label={`${expanded ? 'Hide' : 'Show'} details of entry ${row.id}`}
            onClick={() => onToggle(row.id)}
          >
            {expanded ? '▾' : '▸'}
          </button>
        </span>
        <span role="cell" className={styles.mono}>
          {formatInZone(row.ts, timeZone)}
        </span>
        <span role="cell">
          <span className={levelClassName(row.level)}>{row.level ?? '—'}</span>
        </span>
        <span role="cell" className={styles.clip} title={row.logger ?? undefined}>
          {row.logger}
        </span>
        <span role="cell" className={styles.clip} title={row.event ?? undefined}>
          {row.event}
        </span>
        <MessageCell row={row} wrap={wrap} words={words} />
        <span role="cell" className={styles.clip}>
          {row.correlation_id && (
            <button
              type="button"
              className={styles.correlation}
              title={`Show only correlation id ${row.correlation_id}`}
              onClick={() => onCorrelationId(row.correlation_id ?? '')}
            >
              {row.correlation_id}
            </button>
          )}
        </span>
      </div>
      {expanded && (
        <div role="cell" id={detailsId} className={styles.details}>
          {details}
        </div>
      )}
    </div>
  );
});

/** The message, with who sent a browser row, and an audit row spelled out as actor · action · target · outcome. */
function MessageCell({ row, wrap, words }: { row: LogEntry; wrap: boolean; words: readonly string[] }) {
  const audit = auditFacts(row);
  if (audit) {
    const summary = [audit.actor ?? 'system', audit.action, audit.target, audit.outcome].filter(Boolean).join(' · ');
    return (
      <span role="cell" className={styles.clip} title={summary}>
        <span className={styles.auditTag}>Audit</span>
        <strong>{audit.actor ?? 'system'}</strong> {audit.action}
        {audit.target && <> → {audit.target}</>}{' '}
        <span className={audit.outcome === 'success' ? styles.outcomeOk : styles.outcomeBad}>{audit.outcome}</span>
      </span>
    );
  }
  return (
    <span role="cell" className={`${styles.clip} ${styles.message}`} title={row.message ?? undefined}>
      {isUiRow(row) && <span className={styles.sourceTag}>{`UI · ${rowActor(row) ?? 'unknown user'}`}</span>}
      <Highlighted text={wrap ? (row.message ?? '') : firstLine(row.message)} words={words} />
    </span>
  );
}
