import { useEffect, useState } from 'react';
import { formatAge, formatUsd, formatUtc } from '../../lib/format';
import type { TradingSession } from '../dashboard/types';
import styles from './sessions.module.css';

// The engine enters at its next tick when it may enter now; the API then says "now".
const NOW_TOLERANCE_MS = 60_000;

function when(iso: string, nowMs: number): string {
  const ms = Date.parse(iso) - nowMs;
  if (ms <= NOW_TOLERANCE_MS) return 'at the next tick';
  return `${formatUtc(iso)} (in ${formatAge(ms / 1000)})`;
}

const CLOCK_TICK_MS = 30_000;

/** The time now, updated every half minute (for "in 2 h" to count down). */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), CLOCK_TICK_MS);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** Spot, and for a flat session when it will next enter and exit (its strategy's window). */
export function SessionSchedule({ session }: { session: TradingSession }) {
  const nowMs = useNow();
  const coin = session.underlying ?? 'coin';
  const flat = session.position === null;
  const live = session.status === 'running' || session.status === 'paused';
  if (!live) return null;
  return (
    <div className={styles.schedule} data-testid="session-schedule">
      {flat && (
        <p className={styles.flat}>
          Flat: no open position.{' '}
          {session.next_entry_at
            ? `Next entry ${when(session.next_entry_at, nowMs)}`
            : session.status === 'paused'
              ? 'Paused: it enters nothing until resumed.'
              : 'No entry is planned.'}
          {session.next_entry_at && session.next_exit_at ? `, exit by ${formatUtc(session.next_exit_at)}.` : ''}
        </p>
      )}
      {flat && session.spot !== null && (
        <p className={styles.note}>
          Spot {formatUsd(session.spot)} per {coin}
        </p>
      )}
    </div>
  );
}
