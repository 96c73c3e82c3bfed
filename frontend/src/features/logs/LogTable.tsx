import { useVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { firstLine, formatTimestamp, levelClassName } from './format';
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
}

/** Only the rows in view are in the DOM, so 100,000 loaded rows scroll like 50. */
export function LogTable({ rows, expandedIds, onToggle, onCorrelationId, renderDetails }: LogTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => {
      const row = rows[index];
      return row && expandedIds.has(row.id) ? EXPANDED_ESTIMATE : ROW_HEIGHT;
    },
    getItemKey: (index) => rows[index]?.id ?? index,
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

  function onRowKeyDown(event: KeyboardEvent<HTMLDivElement>, index: number) {
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      Home: 0,
      End: rows.length - 1,
    };
    const target = moves[event.key];
    if (target === undefined || (event.target as HTMLElement).tagName !== 'BUTTON') return;
    event.preventDefault();
    focusRow(target);
  }

  return (
    <div className={styles.table} role="table" aria-label="Log entries" aria-rowcount={rows.length + 1}>
      <div className={`${styles.row} ${styles.header}`} role="row" aria-rowindex={1}>
        <span role="columnheader" className={styles.toggleCell}>
          <span className="visually-hidden">Details</span>
        </span>
        <span role="columnheader">Time (UTC)</span>
        <span role="columnheader">Level</span>
        <span role="columnheader">Logger</span>
        <span role="columnheader">Event</span>
        <span role="columnheader">Message</span>
        <span role="columnheader">Correlation id</span>
      </div>
      <div ref={scrollRef} className={styles.scroller} data-testid="log-scroller">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            const expanded = expandedIds.has(row.id);
            const detailsId = `log-details-${row.id}`;
            return (
              <div
                key={item.key}
                data-index={item.index}
                ref={virtualizer.measureElement}
                role="row"
                aria-rowindex={item.index + 2}
                className={`${styles.item} ${expanded ? styles.expanded : ''}`}
                style={{ transform: `translateY(${item.start}px)` }}
                onKeyDown={(event) => onRowKeyDown(event, item.index)}
              >
                <div className={styles.row} data-level={row.level ?? ''}>
                  <span role="cell" className={styles.toggleCell}>
                    <button
                      type="button"
                      className={styles.toggle}
                      data-row-toggle={item.index}
                      aria-expanded={expanded}
                      aria-controls={expanded ? detailsId : undefined}
                      aria-label={`${expanded ? 'Hide' : 'Show'} details of entry ${row.id}`}
                      onClick={() => onToggle(row.id)}
                    >
                      {expanded ? '▾' : '▸'}
                    </button>
                  </span>
                  <span role="cell" className={styles.mono}>
                    {formatTimestamp(row.ts)}
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
                  <span role="cell" className={styles.clip} title={row.message ?? undefined}>
                    {row.source === 'frontend' && <span className={styles.sourceTag}>UI</span>}
                    {firstLine(row.message)}
                  </span>
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
                    {renderDetails(row)}
                  </div>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
