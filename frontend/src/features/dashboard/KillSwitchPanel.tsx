import { formatPnl, formatUsd, formatUtc, pnlTone } from '../../lib/format';
import { KillSwitchControl } from './KillSwitchControl';
import type { KillSwitch } from './types';
import styles from './DashboardPage.module.css';

export function KillSwitchPanel({ killSwitch, canControl }: { killSwitch: KillSwitch | undefined; canControl: boolean }) {
  return (
    <section className={`card ${styles.killSwitch}`} aria-labelledby="kill-switch-title">
      <h2 id="kill-switch-title" className={styles.sectionTitle}>
        Kill switch
      </h2>
      {killSwitch ? (
        <>
          <span className={`badge ${killSwitch.tripped ? 'badge-tripped' : 'badge-running'}`} data-testid="kill-switch-state">
            {killSwitch.tripped ? 'Tripped' : 'Armed'}
          </span>
          <span>
            Day PnL <strong className={pnlTone(killSwitch.day_pnl)}>{formatPnl(killSwitch.day_pnl)}</strong> of a{' '}
            {formatUsd(killSwitch.daily_loss_limit)} daily loss limit
          </span>
          {killSwitch.tripped && (
            <span className={styles.muted}>
              since {formatUtc(killSwitch.tripped_at)}
              {killSwitch.reason ? `: ${killSwitch.reason}` : ''}
            </span>
          )}
          {canControl && (
            <span className={styles.killActions}>
              <KillSwitchControl killSwitch={killSwitch} />
            </span>
          )}
        </>
      ) : (
        <span className={styles.muted}>Loading…</span>
      )}
    </section>
  );
}
