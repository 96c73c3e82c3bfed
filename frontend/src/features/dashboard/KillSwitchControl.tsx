import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useServices } from '../../app/services';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { describeError } from '../../lib/describeError';
import { KILL_SWITCH_KEY, rearmKillSwitch, SESSIONS_KEY, tripKillSwitch } from './api';
import type { KillSwitch } from './types';

/**
 * The button that trips the kill switch (or re-arms it once tripped), and the question it asks
 * first; on the kill switch panel and on the phone's action bar (`short` labels).
 */
export function KillSwitchControl({ killSwitch, short = false }: { killSwitch: KillSwitch; short?: boolean }) {
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
  const cancel = () => {
    change.reset();
    setConfirming(null);
  };

  return (
    <>
      {killSwitch.tripped ? (
        <button type="button" className="button" onClick={() => setConfirming('rearm')}>
          {short ? 'Re-arm kill switch' : 'Re-arm'}
        </button>
      ) : (
        <button type="button" className="button button-danger" onClick={() => setConfirming('trip')}>
          {short ? 'Kill switch' : 'Trip kill switch'}
        </button>
      )}
      {confirming === 'trip' && (
        <ConfirmDialog
          title="Trip the kill switch?"
          confirmLabel="Trip kill switch"
          danger
          busy={change.isPending}
          error={change.isError ? describeError(change.error) : null}
          onConfirm={() => change.mutate('trip')}
          onCancel={cancel}
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
          onCancel={cancel}
        >
          <p>Sessions can be started again once it is re-armed.</p>
        </ConfirmDialog>
      )}
    </>
  );
}
