import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useServices } from '../../app/services';
import { formatUtc } from '../../lib/format';
import { fetchRecentFills } from '../sessions/api';
import { FillsTable } from '../sessions/FillsTable';
import { sessionPath } from '../sessions/links';
import { PositionLegs } from '../sessions/PositionLegs';
import { SessionControls, sessionTitle } from '../sessions/SessionControls';
import { SessionPnlFigures } from '../sessions/SessionPnlFigures';
import { SessionSchedule } from '../sessions/SessionSchedule';
import { fillsKey } from './api';
import type { Fill, TradingSession } from './types';
import styles from './DashboardPage.module.css';

const STATUS_LABEL: Record<string, string> = {
  running: 'Running',
  paused: 'Paused',
  stopped: 'Stopped',
  panic_closed: 'Panic-closed',
  interrupted: 'Interrupted',
};

export function statusLabel(status: string): string {
  return STATUS_LABEL[status] ?? status;
}

export function SessionCard({ session, canControl }: { session: TradingSession; canControl: boolean }) {
  const { api } = useServices();
  // Read from the API (so a reload keeps them); the live hook adds new ones from the socket.
  const fills = useQuery<Fill[]>({
    queryKey: fillsKey(session.id),
    queryFn: ({ signal }) => fetchRecentFills(api, session.id, signal),
  });

  const title = sessionTitle(session);

  return (
    <article className={`card ${styles.sessionCard}`} aria-label={title}>
      <header className={styles.sessionHeader}>
        <h3 className={styles.sessionTitle}>
          <Link to={sessionPath(session.id)}>{title}</Link>
        </h3>
        <span className={styles.mode}>{session.mode}</span>
        <span className={`badge badge-${session.status}`} data-testid="session-status">
          {statusLabel(session.status)}
        </span>
        {canControl && <SessionControls session={session} className={styles.sessionActions} />}
      </header>
      {session.status_reason && <p className={styles.reason}>{session.status_reason}</p>}
      <dl className={styles.figures}>
        <SessionPnlFigures session={session} />
        <div>
          <dt>Started</dt>
          <dd>{formatUtc(session.started_at)}</dd>
        </div>
      </dl>
      {session.position ? (
        <PositionLegs session={session} position={session.position} />
      ) : (
        <SessionSchedule session={session} />
      )}
      {fills.data && fills.data.length > 0 && (
        <FillsTable
          fills={fills.data}
          sessionId={session.id}
          underlying={session.underlying}
          caption="Latest fills (all on the session's page)"
        />
      )}
    </article>
  );
}
