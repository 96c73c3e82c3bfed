import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useServices } from '../../app/services';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { describeError } from '../../lib/describeError';
import { controlSession, SESSIONS_KEY, type SessionAction } from '../dashboard/api';
import { upsertSession } from '../dashboard/sessionCache';
import { isLive, type TradingSession } from '../dashboard/types';
import styles from './SessionControls.module.css';

const CONFIRM: Record<'stop' | 'panic', { title: string; text: string; label: string }> = {
  stop: {
    title: 'Stop this session?',
    text: 'The open position is closed at market and the session ends.',
    label: 'Stop session',
  },
  panic: {
    title: 'Panic-close this session?',
    text: 'The position is closed immediately at market, ignoring the exit rules, and the session ends as panic-closed.',
    label: 'Panic close',
  },
};

export function sessionTitle(session: TradingSession): string {
  return `${session.strategy_name} · session ${session.id}`;
}

/**
 * Pause or resume, stop and panic-close (the last two confirmed); nothing for an ended session.
 * Wherever a session is controlled: its card, its page, or the phone's action bar (`short` labels).
 */
export function SessionControls({
  session,
  className = styles.actions,
  short = false,
}: {
  session: TradingSession;
  className?: string;
  short?: boolean;
}) {
  const { api } = useServices();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState<'stop' | 'panic' | null>(null);
  const action = useMutation({
    mutationFn: (which: SessionAction) => controlSession(api, session.id, which),
    onSuccess: (updated) => {
      queryClient.setQueryData<TradingSession[]>(SESSIONS_KEY, (list) => upsertSession(list, updated));
      // The session page's detail, fills, events and PnL follow the change.
      void queryClient.invalidateQueries({ queryKey: ['sessions'], predicate: (query) => query.queryKey[1] !== 'list' });
      setConfirming(null);
    },
  });
  if (!isLive(session)) return null;

  return (
    <>
      <div className={className}>
        {session.status === 'running' ? (
          <button type="button" className="button" disabled={action.isPending} onClick={() => action.mutate('pause')}>
            Pause
          </button>
        ) : (
          <button type="button" className="button" disabled={action.isPending} onClick={() => action.mutate('resume')}>
            Resume
          </button>
        )}
        <button type="button" className="button" disabled={action.isPending} onClick={() => setConfirming('stop')}>
          Stop
        </button>
        <button
          type="button"
          className="button button-danger"
          disabled={action.isPending}
          onClick={() => setConfirming('panic')}
        >
          {short ? 'Panic' : 'Panic close'}
        </button>
      </div>
      {action.isError && !confirming && (
        <p role="alert" className={`alert-error ${styles.error}`}>
          Could not {action.variables} the session: {describeError(action.error)}
        </p>
      )}
      {confirming && (
        <ConfirmDialog
          title={CONFIRM[confirming].title}
          confirmLabel={CONFIRM[confirming].label}
          danger
          busy={action.isPending}
          error={action.isError ? describeError(action.error) : null}
          onConfirm={() => action.mutate(confirming)}
          onCancel={() => {
            action.reset();
            setConfirming(null);
          }}
        >
          <p>
            <strong>{sessionTitle(session)}</strong>
          </p>
          <p>{CONFIRM[confirming].text}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
