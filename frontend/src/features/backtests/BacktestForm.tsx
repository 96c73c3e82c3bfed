import { useState, type FormEvent } from 'react';
import { FormField } from '../../components/FormField';
import type { Strategy } from '../strategies/types';
import { backtestBody, type BacktestDraft, type FieldErrors } from './form';
import type { BacktestBody } from './types';
import styles from './BacktestsPage.module.css';

interface Props {
  strategies: readonly Strategy[];
  initial: BacktestDraft;
  /** The API's refusals by field ('' for the whole request). */
  serverErrors: FieldErrors;
  running: boolean;
  onRun: (strategy: Strategy, body: BacktestBody, draft: BacktestDraft) => void;
}

export function BacktestForm({ strategies, initial, serverErrors, running, onRun }: Props) {
  const [draft, setDraft] = useState(initial);
  const [localErrors, setLocalErrors] = useState<FieldErrors>({});
  const errors = { ...serverErrors, ...localErrors };
  const strategyId = draft.strategyId || String(strategies[0]?.id ?? '');
  const set = <K extends keyof BacktestDraft>(key: K, value: BacktestDraft[K]) =>
    setDraft((current) => ({ ...current, [key]: value }));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const chosen = { ...draft, strategyId };
    const checked = backtestBody(chosen);
    const strategy = strategies.find((item) => String(item.id) === strategyId);
    if ('errors' in checked || !strategy) {
      setLocalErrors('errors' in checked ? checked.errors : { strategy: 'Choose a strategy.' });
      return;
    }
    setLocalErrors({});
    onRun(strategy, checked.body, chosen);
  }

  const errorFor = (key: string) =>
    errors[key] ? (
      <span id={`backtest-${key}-error`} className="field-error">
        {errors[key]}
      </span>
    ) : null;
  const aria = (key: string) =>
    errors[key] ? { 'aria-invalid': true, 'aria-describedby': `backtest-${key}-error` } : {};

  return (
    <form className={`card ${styles.form}`} onSubmit={submit} aria-label="Backtest" noValidate>
      <FormField label="Strategy" below={errorFor('strategy')} className={styles.strategy}>
        <select value={strategyId} onChange={(event) => set('strategyId', event.target.value)} {...aria('strategy')}>
          {strategies.map((strategy) => (
            <option key={strategy.id} value={String(strategy.id)}>
              {strategy.name}
            </option>
          ))}
        </select>
      </FormField>
      <FormField label="From (UTC day)" below={errorFor('start')}>
        <input type="date" value={draft.start} onChange={(event) => set('start', event.target.value)} {...aria('start')} />
      </FormField>
      <FormField label="To (UTC day, included)" below={errorFor('end')}>
        <input type="date" value={draft.end} onChange={(event) => set('end', event.target.value)} {...aria('end')} />
      </FormField>
      <FormField label="Market seed" below={errorFor('seed')}>
        <input inputMode="numeric" value={draft.seed} onChange={(event) => set('seed', event.target.value)} {...aria('seed')} />
      </FormField>
      <div className={styles.actions}>
        <button type="submit" className="button button-primary" disabled={running} aria-busy={running}>
          {running && <span className="spinner" aria-hidden="true" />}
          {running ? 'Running…' : 'Run backtest'}
        </button>
      </div>
      {errors[''] && (
        <p role="alert" className={`alert-error ${styles.whole}`}>
          {errors['']}
        </p>
      )}
      <p className={styles.hint}>
        The paper engine trades a simulated market over the range; the same seed gives the same market, so the same
        trades.
      </p>
    </form>
  );
}
