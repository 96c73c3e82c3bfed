import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useServices } from '../../app/services';
import { useStrategies } from '../strategies/useStrategies';
import { SESSIONS_KEY, startSession, type SessionMode } from './api';
import { describeError } from '../../lib/describeError';
import { upsertSession } from './sessionCache';
import type { TradingSession } from './types';
import styles from './DashboardPage.module.css';

/**
 * Starts a session for a saved strategy, optionally entering on the first engine tick. Paper is
 * the default; a live session (real orders on Delta Exchange) must be confirmed, and the server
 * refuses it with a reason unless the deployment allows live trading.
 */
export function StartSessionForm({ disabledReason }: { disabledReason: string | null }) {
  const { api } = useServices();
  const queryClient = useQueryClient();
  const strategies = useStrategies();
  const [chosen, setChosen] = useState('');
  const [enterNow, setEnterNow] = useState(false);
  const [mode, setMode] = useState<SessionMode>('paper');
  const [liveConfirmed, setLiveConfirmed] = useState(false);
  const unconfirmedLive = mode === 'live' && !liveConfirmed;

  const list = strategies.data ?? [];
  // The first strategy until the user picks one.
  const strategyId = chosen || (list[0] ? String(list[0].id) : '');

  const start = useMutation({
    mutationFn: () => startSession(api, Number(strategyId), enterNow, mode),
    onSuccess: (created) => {
      queryClient.setQueryData<TradingSession[]>(SESSIONS_KEY, (list) => upsertSession(list, created));
      setEnterNow(false);
      setMode('paper');
      setLiveConfirmed(false);
    },
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    start.mutate();
  }

  return (
    <form className={`card ${styles.startForm}`} onSubmit={submit} aria-labelledby="start-session-title">
      <h2 id="start-session-title" className={styles.sectionTitle}>
        Start a session
      </h2>
      <label className="field">
        <span>Strategy</span>
        <select value={strategyId} onChange={(event) => setChosen(event.target.value)} disabled={list.length === 0}>
          {list.length === 0 && <option value="">No strategies yet</option>}
          {list.map((strategy) => (
            <option key={strategy.id} value={strategy.id}>
              {strategy.name} ({strategy.underlying})
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Mode</span>
        <select
          value={mode}
          onChange={(event) => {
            setMode(event.target.value as SessionMode);
            setLiveConfirmed(false);
          }}
        >
          <option value="paper">Paper (simulated market)</option>
          <option value="live">Live on Delta Exchange</option>
        </select>
      </label>
      <label className={styles.checkbox}>
        <input type="checkbox" checked={enterNow} onChange={(event) => setEnterNow(event.target.checked)} />
        Enter now (open the strangle on the first tick, outside the entry window)
      </label>
      {mode === 'live' && (
        <label className={styles.checkbox}>
          <input type="checkbox" checked={liveConfirmed} onChange={(event) => setLiveConfirmed(event.target.checked)} />
          I understand that a live session places real orders on Delta Exchange
        </label>
      )}
      <button
        type="submit"
        className="button button-primary"
        disabled={start.isPending || strategyId === '' || disabledReason !== null || unconfirmedLive}
        title={disabledReason ?? undefined}
      >
        {start.isPending ? 'Starting…' : mode === 'live' ? 'Start live session' : 'Start session'}
      </button>
      {disabledReason && <span className={styles.muted}>{disabledReason}</span>}
      {start.isError && (
        <p role="alert" className="alert-error">
          Could not start the session: {describeError(start.error)}
        </p>
      )}
      {strategies.isError && (
        <p role="alert" className="alert-error">
          Could not load strategies: {describeError(strategies.error)}
        </p>
      )}
    </form>
  );
}
