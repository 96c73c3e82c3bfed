import { useId, useState } from 'react';
import { KillSwitchControl } from './KillSwitchControl';
import { statusLabel } from './SessionCard';
import { SessionControls, sessionTitle } from '../sessions/SessionControls';
import { isLive, type KillSwitch, type TradingSession } from './types';
import styles from './PhoneActionBar.module.css';

/**
 * On a phone, the controls a trader reaches for first stay at the bottom of the dashboard: pause
 * or resume, stop and panic-close of a session, and the kill switch, each one tap away (stop,
 * panic and the kill switch then ask, as on the cards). Hidden at desk widths, where the cards
 * and the kill switch panel show the same buttons.
 */
export function PhoneActionBar({ killSwitch, sessions }: { killSwitch: KillSwitch | undefined; sessions: TradingSession[] }) {
  const [chosenId, setChosenId] = useState<number | null>(null);
  const pickerId = useId();
  const live = sessions.filter(isLive);
  // The session picked, while it runs; otherwise the newest running one (the list is newest first).
  const session = live.find((candidate) => candidate.id === chosenId) ?? live[0];
  if (!killSwitch && !session) return null;

  return (
    <section className={styles.bar} aria-label="Quick controls">
      {session && (
        <div className={styles.target}>
          {live.length > 1 ? (
            <>
              <label htmlFor={pickerId} className="visually-hidden">
                Session the buttons act on
              </label>
              <select
                id={pickerId}
                className={styles.picker}
                value={session.id}
                onChange={(event) => setChosenId(Number(event.target.value))}
              >
                {live.map((candidate) => (
                  <option key={candidate.id} value={candidate.id}>
                    {sessionTitle(candidate)} ({statusLabel(candidate.status)})
                  </option>
                ))}
              </select>
            </>
          ) : (
            <span className={styles.name}>
              {sessionTitle(session)} · {statusLabel(session.status)}
            </span>
          )}
        </div>
      )}
      <div className={styles.buttons}>
        {session && <SessionControls key={session.id} session={session} className={styles.sessionButtons} short />}
        {killSwitch && <KillSwitchControl killSwitch={killSwitch} short />}
      </div>
    </section>
  );
}
