import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useServices } from '../../app/services';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { formatPnl, formatUsd, formatUtc, pnlTone } from '../../lib/format';
import { KILL_SWITCH_KEY, rearmKillSwitch, SESSIONS_KEY, tripKillSwitch } from './api';
import { describeError } from '../../lib/describeError';
import type { KillSwitch } from './types';
import styles from './DashboardPage.module.css';

export function KillSwitchPanel({ killSwitch, canControl }: { killSwitch: KillSwitch | undefined; canControl: boolean }) {
  const { api } = useServices();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState<'trip' | 'rearm' | null>(null);
  const [reason, setReason] = useState('');

  const change = useMutation({
    mutationFn: (which: 'trip' | 'rearm') =>
      which === 'trip' ? tripKillSwitch(api, reason.trim() || 'tripped from the dashboard') : rearmKillSwitch(api),
    onSuccess: (updated) => {
      queryClient.setQueryData(KILL_SWITCH_KEY, updated);
      // Tripping panic-closes every session; the WebSocket says so too, this makes sure.
      void queryClient.invalidateQueries({ queryKey: SESSIONS_KEY });
      setConfirming(null);
      setReason('');
    },
  });

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
              {killSwitch.tripped ? (
                <button type="button" className="button" onClick={() => setConfirming('rearm')}>
                  Re-arm
                </button>
              ) : (
                <button type="button" className="button button-danger" onClick={() => setConfirming('trip')}>
                  Trip kill switch
                </button>
              )}
            </span>
          )}
        </>
      ) : (
        <span className={styles.muted}>Loading…</span>
      )}
      {confirming === 'trip' && (
        <ConfirmDialog
          title="Trip the kill switch?"
          confirmLabel="Trip kill switch"
          danger
          busy={change.isPending}
          error={change.isError ? describeError(change.error) : null}
          onConfirm={() => change.mutate('trip')}
          onCancel={() => {
            change.reset();
            setConfirming(null);
          }}
        >
          <p>Every running and paused session is panic-closed, and no session can start until it is re-armed.</p>
          <label className="field">
            <span>Reason</span>
            <input value={reason} maxLength={200} onChange={(event) => setReason(event.target.value)} />
          </label>
        </ConfirmDialog>
      )}
      {confirming === 'rearm' && (
        <ConfirmDialog
          title="Re-arm the kill switch?"
          confirmLabel="Re-arm"
          busy={change.isPending}
          error={change.isError ? describeError(change.error) : null}
          onConfirm={() => change.mutate('rearm')}
          onCancel={() => {
            change.reset();
            setConfirming(null);
          }}
        >
          <p>Sessions can be started again once it is re-armed.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
