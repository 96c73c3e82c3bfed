import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useServices } from '../../app/services';
import { useCanControl } from '../auth/useCurrentUser';
import { fetchKillSwitch, fetchSessions, KILL_SWITCH_KEY, SESSIONS_KEY } from './api';
import { describeError } from '../../lib/describeError';
import { sessionPath } from '../sessions/links';
import { KillSwitchPanel } from './KillSwitchPanel';
import { NoSessionsHint } from './NoSessionsHint';
import { PhoneActionBar } from './PhoneActionBar';
import { SessionCard, statusLabel } from './SessionCard';
import { StartSessionForm } from './StartSessionForm';
import { isLive } from './types';
import { useLiveUpdates, type ConnectionState } from './useLiveUpdates';
import { formatPnl, formatUtc, pnlTone } from '../../lib/format';
import styles from './DashboardPage.module.css';
import { usePageTitle } from '../../lib/pageTitle';

const RECENT_ENDED = 10;
/** While the socket is down the figures are polled, so the page never goes stale silently. */
export const FALLBACK_POLL_MS = 5000;

function connectionText(state: ConnectionState): string {
  if (state.status === 'live') return 'Live';
  if (state.status === 'connecting') return 'Connecting…';
  return `Reconnecting in ${Math.round(state.delayMs / 1000)} s (attempt ${state.attempt})`;
}

export function DashboardPage() {
  usePageTitle('Dashboard');
  const { api } = useServices();
  const canControl = useCanControl();
  const connection = useLiveUpdates();
  const poll = connection.status === 'live' ? false : FALLBACK_POLL_MS;
  const sessions = useQuery({
    queryKey: SESSIONS_KEY,
    queryFn: ({ signal }) => fetchSessions(api, signal),
    refetchInterval: poll,
  });
  const killSwitch = useQuery({
    queryKey: KILL_SWITCH_KEY,
    queryFn: ({ signal }) => fetchKillSwitch(api, signal),
    refetchInterval: poll,
  });

  const all = sessions.data ?? [];
  const live = all.filter(isLive);
  const ended = all.filter((session) => !isLive(session)).slice(0, RECENT_ENDED);

  return (
    <div className="screen">
      <div className="screen-header">
        <h1 className="page-title">Dashboard</h1>
        <span
          className={`${styles.connection} ${styles[`connection-${connection.status}`] ?? ''}`}
          role="status"
          aria-label="Live updates"
        >
          <span className={styles.dot} aria-hidden="true" />
          {connectionText(connection)}
        </span>
      </div>
      <KillSwitchPanel killSwitch={killSwitch.data} canControl={canControl} />
      {canControl && (
        <StartSessionForm disabledReason={killSwitch.data?.tripped ? 'The kill switch is tripped.' : null} />
      )}
      <section aria-labelledby="live-sessions-title" className={styles.section}>
        <h2 id="live-sessions-title" className={styles.sectionTitle}>
          Live sessions
        </h2>
        {sessions.isError && (
          <p role="alert" className="alert-error">
            Could not load sessions: {describeError(sessions.error)}
          </p>
        )}
        {sessions.isPending && <p className={styles.muted}>Loading sessions…</p>}
        {sessions.isSuccess && live.length === 0 && <NoSessionsHint canControl={canControl} />}
        <div className={styles.sessionList}>
          {live.map((session) => (
            <SessionCard key={session.id} session={session} canControl={canControl} />
          ))}
        </div>
      </section>
      {ended.length > 0 && (
        <section aria-labelledby="ended-sessions-title" className={styles.section}>
          <h2 id="ended-sessions-title" className={styles.sectionTitle}>
            Recently ended
          </h2>
          <table className="data-table card" aria-labelledby="ended-sessions-title" tabIndex={0}>
            <thead>
              <tr>
                <th scope="col">Session</th>
                <th scope="col">Strategy</th>
                <th scope="col">Status</th>
                <th scope="col">Ended</th>
                <th scope="col" className="num">
                  Realised PnL
                </th>
                <th scope="col" className="num">
                  Trades
                </th>
              </tr>
            </thead>
            <tbody>
              {ended.map((session) => (
                <tr key={session.id}>
                  <td>
                    <Link to={sessionPath(session.id)}>{session.id}</Link>
                  </td>
                  <td>{session.strategy_name}</td>
                  <td>
                    <span className={`badge badge-${session.status}`}>{statusLabel(session.status)}</span>
                    {session.status_reason ? ` ${session.status_reason}` : ''}
                  </td>
                  <td>{formatUtc(session.ended_at)}</td>
                  <td className={`num ${pnlTone(session.realised_pnl)}`}>{formatPnl(session.realised_pnl)}</td>
                  <td className="num">{session.trade_count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {canControl && <PhoneActionBar killSwitch={killSwitch.data} sessions={all} />}
    </div>
  );
}
