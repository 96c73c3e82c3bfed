import { useEffect, useRef } from 'react';
import { ApiError } from '../../lib/apiClient';
import { describeError } from '../../lib/describeError';
import { formatTimestamp, levelClassName } from './format';
import type { LineTarget } from './permalink';
import { PermalinkButton } from './PermalinkButton';
import { MORE_LINES, useLineContext } from './useLineContext';
import styles from './LogLineContext.module.css';

/** What a permalink opens: the line, highlighted, amid its neighbours, widened on demand. */
export function LogLineContext({ target, onClose }: { target: LineTarget; onClose: () => void }) {
  const { query, rows } = useLineContext(target);
  const anchorRef = useRef<HTMLLIElement>(null);
  const loaded = query.isSuccess;
  useEffect(() => {
    if (loaded) anchorRef.current?.scrollIntoView?.({ block: 'center' });
  }, [loaded]);

  const notFound = query.error instanceof ApiError && query.error.status === 404;
  return (
    <section className={styles.panel} aria-labelledby="line-context-heading">
      <div className={styles.head}>
        <h2 id="line-context-heading" className={styles.title}>
          Entry #{target.id}
          {target.archived ? ' (archived)' : ''} and its context
        </h2>
        <PermalinkButton target={target} />
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
      {query.isPending && <p className={styles.muted}>Loading the entry…</p>}
      {query.isError && (
        <p role="alert" className={styles.error}>
          {notFound ? `No entry #${target.id}: it may have been deleted by retention.` : describeError(query.error)}
        </p>
      )}
      {query.isSuccess && (
        <>
          <MoreButton
            label={`Load ${MORE_LINES} earlier`}
            none="No earlier entries."
            has={query.hasPreviousPage}
            busy={query.isFetchingPreviousPage}
            onLoad={() => void query.fetchPreviousPage()}
          />
          <ol className={styles.lines} aria-label="Entries around the linked one">
            {rows.map((entry) => {
              const anchor = entry.id === target.id;
              return (
                <li
                  key={entry.id}
                  ref={anchor ? anchorRef : undefined}
                  className={anchor ? styles.anchor : undefined}
                  aria-current={anchor ? 'true' : undefined}
                  data-entry-id={entry.id}
                >
                  <span className={styles.mono}>{formatTimestamp(entry.ts)}</span>{' '}
                  <span className={levelClassName(entry.level)}>{entry.level}</span>{' '}
                  <span className={styles.muted}>
                    {entry.source} · {entry.event}
                  </span>{' '}
                  <span className={styles.message}>{entry.message}</span>
                </li>
              );
            })}
          </ol>
          <MoreButton
            label={`Load ${MORE_LINES} later`}
            none="No later entries yet."
            has={query.hasNextPage}
            busy={query.isFetchingNextPage}
            onLoad={() => void query.fetchNextPage()}
          />
        </>
      )}
    </section>
  );
}

interface MoreProps {
  label: string;
  none: string;
  has: boolean;
  busy: boolean;
  onLoad: () => void;
}

function MoreButton({ label, none, has, busy, onLoad }: MoreProps) {
  if (!has) return <p className={styles.muted}>{none}</p>;
  return (
    <button type="button" className={`button ${styles.more}`} disabled={busy} onClick={onLoad}>
      {busy ? 'Loading…' : label}
    </button>
  );
}
