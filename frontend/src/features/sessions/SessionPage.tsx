import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useServices } from '../../app/services';
import { ApiError } from '../../lib/apiClient';
import { describeError } from '../../lib/describeError';
import { formatPnl, formatUtc, pnlTone } from '../../lib/format';
import { LineChart } from '../analytics/LineChart';
import { useCanControl } from '../auth/useCurrentUser';
import { statusLabel } from '../dashboard/SessionCard';
import { isLive } from '../dashboard/types';
import {
  EVENTS_PAGE_SIZE,
  fetchSession,
  fetchSessionEvents,
  fetchSessionFills,
  fetchSessionPnl,
  FILLS_PAGE_SIZE,
  sessionEventsKey,
  sessionFillsKey,
  sessionKey,
  sessionPnlKey,
} from './api';
import { FillsTable } from './FillsTable';
import { parseSessionId } from './links';
import { usePageTitle } from '../../lib/pageTitle';
import { Pager } from './Pager';
import { PositionLegs } from './PositionLegs';
import { SessionControls, sessionTitle } from './SessionControls';
import { SessionPnlFigures } from './SessionPnlFigures';
import { SessionSchedule } from './SessionSchedule';
import { StrategyConfigView } from './StrategyConfigView';
import type { SessionDetail } from './types';
import styles from './SessionPage.module.css';

/** While a session runs its page follows it; an ended one does not change. */
export const SESSION_POLL_MS = 5000;

export function SessionPage() {
  const id = parseSessionId(useParams().id);
  usePageTitle(id === null ? 'Session not found' : `Session ${id}`);
  if (id === null) {
    return (
      <div className="screen">
        <h1 className="page-title">Session not found</h1>
        <p>
          A session is opened by its number, as in /sessions/12. <Link to="/dashboard">Go to the dashboard</Link>
        </p>
      </div>
    );
  }
  return <SessionScreen sessionId={id} />;
}

function SessionScreen({ sessionId }: { sessionId: number }) {
  const { api } = useServices();
  const session = useQuery({
    queryKey: sessionKey(sessionId),
    queryFn: ({ signal }) => fetchSession(api, sessionId, signal),
    refetchInterval: (query) => (query.state.data && isLive(query.state.data) ? SESSION_POLL_MS : false),
  });

  if (session.isPending) return <p className="screen">Loading session {sessionId}…</p>;
  if (session.isError) {
    const missing = session.error instanceof ApiError && session.error.status === 404;
    return (
      <div className="screen">
        <h1 className="page-title">Session {sessionId}</h1>
        <p role="alert" className="alert-error">
          {missing ? `There is no session ${sessionId}.` : `Could not load the session: ${describeError(session.error)}`}
        </p>
        <p>
          <Link to="/dashboard">Go to the dashboard</Link> to start one, or to <Link to="/analytics">Analytics</Link> for
          past sessions.
        </p>
      </div>
    );
  }
  return <SessionView session={session.data} />;
}

function SessionView({ session }: { session: SessionDetail }) {
  const canControl = useCanControl();
  const live = isLive(session);
  const title = sessionTitle(session);
  return (
    <div className="screen">
      <p className={styles.back}>
        <Link to="/dashboard">← Dashboard</Link>
      </p>
      <header className={styles.header}>
        <h1 className="page-title">{title}</h1>
        <span className={styles.mode}>{session.mode}</span>
        <span className={`badge badge-${session.status}`} data-testid="session-status">
          {statusLabel(session.status)}
        </span>
        {canControl && <SessionControls session={session} />}
      </header>
      {session.status_reason && <p className={styles.muted}>{session.status_reason}</p>}
      <section className={`card ${styles.summary}`} aria-label="Summary">
        <dl className={styles.facts}>
          <div>
            <dt>Strategy</dt>
            <dd>
              {session.strategy_name} (#{session.strategy_id})
            </dd>
          </div>
          <div>
            <dt>Mode</dt>
            <dd>{session.mode === 'live' ? 'Live (Delta Exchange)' : 'Paper (simulated market)'}</dd>
          </div>
          <div>
            <dt>State</dt>
            <dd>{statusLabel(session.status)}</dd>
          </div>
          <div>
            <dt>Started</dt>
            <dd>{formatUtc(session.started_at)}</dd>
          </div>
          <div>
            <dt>Stopped</dt>
            <dd>{live ? 'still running' : formatUtc(session.ended_at)}</dd>
          </div>
          <SessionPnlFigures session={session} />
        </dl>
        <p className={styles.muted}>PnL and fees are USD for the whole session.</p>
      </section>
      <div className={styles.overview}>
        <section aria-labelledby="position-title" className={styles.section}>
        <h2 id="position-title" className={styles.sectionTitle}>
          Position
        </h2>
        {session.position ? (
          <PositionLegs session={session} position={session.position} />
        ) : live ? (
          <SessionSchedule session={session} />
        ) : (
          <p className={styles.muted}>The session has ended; it holds no position.</p>
        )}
        </section>
        <PnlChart session={session} />
      </div>
      <FillsSection session={session} />
      <EventsSection session={session} />
      <section aria-labelledby="config-title" className={`card ${styles.section}`}>
        <h2 id="config-title" className={styles.sectionTitle}>
          Strategy configuration <span className={styles.muted}>(as the session started with it)</span>
        </h2>
        <StrategyConfigView config={session.config} />
      </section>
    </div>
  );
}

function pollWhileLive(session: SessionDetail) {
  return isLive(session) ? SESSION_POLL_MS : false;
}

function PnlChart({ session }: { session: SessionDetail }) {
  const { api } = useServices();
  const pnl = useQuery({
    queryKey: sessionPnlKey(session.id),
    queryFn: ({ signal }) => fetchSessionPnl(api, session.id, signal),
    refetchInterval: pollWhileLive(session),
  });
  if (pnl.isError) {
    return (
      <p role="alert" className="alert-error">
        Could not load the PnL: {describeError(pnl.error)}
      </p>
    );
  }
  return <LineChart title="PnL over time (USD)" points={pnl.data ?? []} />;
}

function FillsSection({ session }: { session: SessionDetail }) {
  const { api } = useServices();
  const [page, setPage] = useState(1);
  const fills = useQuery({
    queryKey: sessionFillsKey(session.id, page),
    queryFn: ({ signal }) => fetchSessionFills(api, session.id, page, signal),
    refetchInterval: pollWhileLive(session),
    placeholderData: keepPreviousData,
  });
  return (
    <section aria-labelledby="fills-title" className={styles.section}>
      <h2 id="fills-title" className={styles.sectionTitle}>
        Fills {fills.data && <span className={styles.muted}>({fills.data.total})</span>}
      </h2>
      {fills.isError && (
        <p role="alert" className="alert-error">
          Could not load the fills: {describeError(fills.error)}
        </p>
      )}
      {fills.data && fills.data.total === 0 && (
        <p className={styles.muted}>No fills yet: the session has not traded.</p>
      )}
      {fills.data && fills.data.items.length > 0 && (
        <FillsTable
          fills={fills.data.items}
          sessionId={session.id}
          underlying={session.underlying}
          caption="Newest first; fees are USD for the whole fill"
        />
      )}
      {fills.data && (
        <Pager label="Fill pages" page={page} pageSize={FILLS_PAGE_SIZE} total={fills.data.total} onPage={setPage} />
      )}
    </section>
  );
}

function EventsSection({ session }: { session: SessionDetail }) {
  const { api } = useServices();
  const [page, setPage] = useState(1);
  const events = useQuery({
    queryKey: sessionEventsKey(session.id, page),
    queryFn: ({ signal }) => fetchSessionEvents(api, session.id, page, signal),
    refetchInterval: pollWhileLive(session),
    placeholderData: keepPreviousData,
  });
  return (
    <section aria-labelledby="events-title" className={styles.section}>
      <h2 id="events-title" className={styles.sectionTitle}>
        Events {events.data && <span className={styles.muted}>({events.data.total})</span>}
      </h2>
      {events.isError && (
        <p role="alert" className="alert-error">
          Could not load the events: {describeError(events.error)}
        </p>
      )}
      {events.data && events.data.items.length > 0 && (
        <table className="data-table card" aria-label={`Events of session ${session.id}`} tabIndex={0}>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Event</th>
              <th scope="col">Message</th>
              <th scope="col" className="num">
                PnL
              </th>
            </tr>
          </thead>
          <tbody>
            {events.data.items.map((event) => (
              <tr key={event.id}>
                <td className="nowrap">{formatUtc(event.time)}</td>
                <td>{event.event}</td>
                <td>{event.message}</td>
                <td className={`num ${pnlTone(event.pnl)}`}>{event.pnl === null ? '' : formatPnl(event.pnl)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {events.data && (
        <Pager label="Event pages" page={page} pageSize={EVENTS_PAGE_SIZE} total={events.data.total} onPage={setPage} />
      )}
    </section>
  );
}
