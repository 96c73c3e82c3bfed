import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useServices } from '../../app/services';
import { sessionIdOfLogPayload, sessionPath } from '../sessions/links';
import { ApiError } from '../../lib/apiClient';
import { fetchLogContext } from './api';
import { auditFacts, formatTimestamp, isUiRow, levelClassName, rowActor } from './format';
import { PermalinkButton } from './PermalinkButton';
import type { LogEntry } from './types';
import styles from './LogRowDetails.module.css';

export const CONTEXT_LINES = 5;

function ContextLine({ entry, anchor }: { entry: LogEntry; anchor: boolean }) {
  return (
    <li className={anchor ? styles.anchor : undefined} aria-current={anchor ? 'true' : undefined}>
      <span className={styles.mono}>{formatTimestamp(entry.ts)}</span>{' '}
      <span className={levelClassName(entry.level)}>{entry.level}</span>{' '}
      <span className={styles.muted}>{entry.event}</span> {entry.message}
    </li>
  );
}

/** An audit row's facts as a definition list (who, role, what, on what, result, from where). */
function AuditDetails({ row }: { row: LogEntry }) {
  const audit = auditFacts(row);
  if (!audit) return null;
  const facts: [string, string | null][] = [
    ['Actor', audit.actor ?? 'system'],
    ['Role', audit.actorRole],
    ['Action', audit.action],
    ['Target', audit.target],
    ['Outcome', audit.outcome],
    ['Source address', audit.sourceAddress],
  ];
  return (
    <section aria-label="Audit">
      <h3 className={styles.heading}>Audit</h3>
      <dl className={styles.meta}>
        {facts
          .filter(([, value]) => value !== null)
          .map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
      </dl>
    </section>
  );
}

/** `archived`: the row is one of archived_logs (a day loaded back), and so is its context. */
export function LogRowDetails({ row, archived = false }: { row: LogEntry; archived?: boolean }) {
  const { api } = useServices();
  const actor = rowActor(row);
  const sessionId = sessionIdOfLogPayload(row.payload);
  const context = useQuery({
    queryKey: ['logs', 'context', archived, row.id, CONTEXT_LINES],
    queryFn: ({ signal }) => fetchLogContext(api, row.id, CONTEXT_LINES, archived, signal),
    staleTime: 60_000,
  });

  return (
    <div className={styles.details}>
      <dl className={styles.meta}>
        <div>
          <dt>Entry</dt>
          <dd>#{row.id}</dd>
        </div>
        <div>
          <dt>Source</dt>
          <dd>{isUiRow(row) ? 'ui (sent by a browser)' : row.source}</dd>
        </div>
        {actor && (
          <div>
            <dt>User</dt>
            <dd>{actor}</dd>
          </div>
        )}
        {sessionId !== null && (
          <div>
            <dt>Session</dt>
            <dd>
              <Link to={sessionPath(sessionId)}>Session {sessionId}</Link>
            </dd>
          </div>
        )}
        {row.strategy_id && (
          <div>
            <dt>Strategy</dt>
            <dd>{row.strategy_id}</dd>
          </div>
        )}
        <div>
          <dt>Ingested</dt>
          <dd>{formatTimestamp(row.ingested_at)}</dd>
        </div>
        {row.parse_error && (
          <div>
            <dt>Note</dt>
            <dd>line was not JSON; stored as text</dd>
          </div>
        )}
        {row.truncated && (
          <div>
            <dt>Note</dt>
            <dd>line was truncated</dd>
          </div>
        )}
      </dl>
      <PermalinkButton target={{ id: row.id, archived }} />
      <AuditDetails row={row} />
      <section aria-label="Message">
        <h3 className={styles.heading}>Message</h3>
        <pre className={styles.block} tabIndex={0}>
          {row.message}
        </pre>
      </section>
      <section aria-label="Payload">
        <h3 className={styles.heading}>Payload</h3>
        <pre className={styles.block} tabIndex={0}>
          {row.payload === null || row.payload === undefined ? 'none' : JSON.stringify(row.payload, null, 2)}
        </pre>
      </section>
      <section aria-label="Context">
        <h3 className={styles.heading}>
          Context ({CONTEXT_LINES} lines before and after, all sources)
        </h3>
        {context.isPending && <p className={styles.muted}>Loading context…</p>}
        {context.isError && (
          <p role="alert" className={styles.error}>
            Could not load the context: {context.error.message}
            {context.error instanceof ApiError && context.error.requestId
              ? ` (request ${context.error.requestId})`
              : ''}
          </p>
        )}
        {context.data && (
          <ol className={styles.context} tabIndex={0}>
            {context.data.before.map((entry) => (
              <ContextLine key={entry.id} entry={entry} anchor={false} />
            ))}
            <ContextLine entry={context.data.entry} anchor />
            {context.data.after.map((entry) => (
              <ContextLine key={entry.id} entry={entry} anchor={false} />
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
