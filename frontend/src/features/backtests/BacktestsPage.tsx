import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { useServices } from '../../app/services';
import { DownloadButton } from '../../components/DownloadButton';
import { ApiError } from '../../lib/apiClient';
import { describeError } from '../../lib/describeError';
import { usePageTitle } from '../../lib/pageTitle';
import type { Strategy } from '../strategies/types';
import { useStrategies } from '../strategies/useStrategies';
import { fieldErrorsFromApi } from '../strategies/validation';
import { exportBacktestCsv, runBacktest } from './api';
import { BacktestForm } from './BacktestForm';
import { BacktestResults } from './BacktestResults';
import { defaultDraft, type BacktestDraft, type FieldErrors } from './form';
import type { BacktestBody } from './types';
import styles from './BacktestsPage.module.css';

interface Run {
  strategy: Strategy;
  body: BacktestBody;
  draft: BacktestDraft;
}

/** A 422 by field, anything else above the form. */
function errorsFrom(error: unknown): FieldErrors {
  if (error instanceof ApiError && error.status === 422) {
    const byField = fieldErrorsFromApi((error.detail as { detail?: unknown } | null)?.detail);
    if (Object.keys(byField).length > 0) return byField;
  }
  return { '': `The backtest did not run: ${describeError(error)}` };
}

export function BacktestsPage() {
  usePageTitle('Backtests');
  const { api } = useServices();
  const strategies = useStrategies();
  const [initial] = useState(() => defaultDraft());
  const backtest = useMutation({
    mutationFn: async (run: Run) => ({ run, result: await runBacktest(api, run.strategy.id, run.body) }),
  });
  const shown = backtest.data;

  return (
    <div className="screen">
      <div className="screen-header">
        <h1 className="page-title">Backtests</h1>
        {shown && (
          <div className={styles.export}>
            <DownloadButton
              download={() => exportBacktestCsv(api, shown.run.strategy.id, shown.run.body)}
              fallbackName={() => `backtest-strategy${shown.run.strategy.id}.csv`}
            />
          </div>
        )}
      </div>
      {strategies.isError && (
        <p role="alert" className="alert-error">
          Could not load the strategies: {describeError(strategies.error)}
        </p>
      )}
      {strategies.isPending && <p className={styles.muted}>Loading strategies…</p>}
      {strategies.data?.length === 0 && (
        <div className={`card ${styles.empty}`}>
          <h2 className={styles.sectionTitle}>No strategy to backtest yet</h2>
          <p>
            A backtest runs a saved strategy. <Link to="/strategies">Create one on the Strategies screen</Link>, then
            come back here to see how it would have traded.
          </p>
        </div>
      )}
      {strategies.data && strategies.data.length > 0 && (
        <BacktestForm
          strategies={strategies.data}
          initial={initial}
          serverErrors={backtest.isError ? errorsFrom(backtest.error) : {}}
          running={backtest.isPending}
          onRun={(strategy, body, draft) => backtest.mutate({ strategy, body, draft })}
        />
      )}
      {shown ? (
        <BacktestResults strategy={shown.run.strategy} draft={shown.run.draft} result={shown.result} />
      ) : (
        strategies.data &&
        strategies.data.length > 0 &&
        !backtest.isPending && (
          <p className={styles.muted}>Choose a strategy and a range of days, then run the backtest.</p>
        )
      )}
    </div>
  );
}
