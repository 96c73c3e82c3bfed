import { useId, useState, type FormEvent } from 'react';
import { FormField } from '../../components/FormField';
import { MAX_TRAILING_STOPS, validateDraft, type FieldErrors, type StrategyDraft } from './validation';
import type { StrategyConfig } from './types';
import styles from './StrategiesPage.module.css';

interface Props {
  initial: StrategyDraft;
  title: string;
  submitLabel: string;
  busy: boolean;
  /** Errors the API answered with (422 by field, 409 on the name). */
  serverErrors: FieldErrors;
  onSubmit: (config: StrategyConfig) => void;
  onCancel: () => void;
}

const TIME_ZONES: readonly string[] =
  typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['UTC'];

/** Keys shown beside a field; any other error is listed above the form. */
function placedKeys(draft: StrategyDraft): Set<string> {
  const keys = [
    'name',
    'underlying',
    'expiry_rule',
    'strike_selection',
    'strike_selection.low',
    'strike_selection.high',
    'strike_selection.kind',
    'quantity',
    'entry_time',
    'exit_time',
    'timezone',
    'max_loss_pct',
    'max_profit_pct',
    'trailing_stops',
    'active',
  ];
  draft.trailingStops.forEach((_, index) => {
    keys.push(`trailing_stops.${index}`, `trailing_stops.${index}.trigger_pct`, `trailing_stops.${index}.lock_pct`);
  });
  return new Set(keys);
}

export function StrategyForm({ initial, title, submitLabel, busy, serverErrors, onSubmit, onCancel }: Props) {
  const formId = useId();
  const [draft, setDraft] = useState<StrategyDraft>(initial);
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const [submitted, setSubmitted] = useState(false);
  const errors: FieldErrors = { ...serverErrors, ...clientErrors };

  const set = <K extends keyof StrategyDraft>(key: K, value: StrategyDraft[K]) => {
    const next = { ...draft, [key]: value };
    setDraft(next);
    // Once a submit has shown the errors, keep them current as the user fixes them.
    if (submitted) setClientErrors(validateDraft(next).errors ?? {});
  };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitted(true);
    const result = validateDraft(draft);
    setClientErrors(result.errors ?? {});
    if (result.config) onSubmit(result.config);
  }

  const idFor = (key: string) => `${formId}-${key.replace(/\./g, '-')}`;
  const aria = (...keys: string[]) => {
    const failing = keys.filter((key) => errors[key]);
    return {
      'aria-invalid': failing.length > 0 ? ('true' as const) : undefined,
      'aria-describedby': failing.length > 0 ? failing.map((key) => `${idFor(key)}-error`).join(' ') : undefined,
    };
  };
  const errorFor = (key: string) =>
    errors[key] ? (
      <span id={`${idFor(key)}-error`} className="field-error">
        {errors[key]}
      </span>
    ) : null;

  const placed = placedKeys(draft);
  const unplaced = Object.entries(errors).filter(([key]) => !placed.has(key));
  const setStop = (index: number, part: 'trigger' | 'lock', value: string) =>
    set(
      'trailingStops',
      draft.trailingStops.map((rule, at) => (at === index ? { ...rule, [part]: value } : rule)),
    );

  return (
    <form className={`card ${styles.form}`} onSubmit={submit} aria-labelledby={`${formId}-title`} noValidate>
      <h2 id={`${formId}-title`} className={styles.formTitle}>
        {title}
      </h2>
      {unplaced.length > 0 && (
        <ul role="alert" className={`alert-error ${styles.formErrors}`}>
          {unplaced.map(([key, message]) => (
            <li key={key}>{key ? `${key}: ${message}` : message}</li>
          ))}
        </ul>
      )}
      <div className={styles.grid}>
        <FormField label="Name" below={errorFor('name')} className={styles.wide}>
          <input value={draft.name} maxLength={100} onChange={(event) => set('name', event.target.value)} {...aria('name')} />
        </FormField>
        <FormField label="Underlying" below={errorFor('underlying')}>
          <select
            value={draft.underlying}
            onChange={(event) => set('underlying', event.target.value as StrategyDraft['underlying'])}
            {...aria('underlying')}
          >
            <option value="BTC">BTC</option>
            <option value="ETH">ETH</option>
          </select>
        </FormField>
        <FormField label="Expiry" below={errorFor('expiry_rule')}>
          <select
            value={draft.expiryKind}
            onChange={(event) => set('expiryKind', event.target.value as StrategyDraft['expiryKind'])}
            {...aria('expiry_rule')}
          >
            <option value="nearest_daily">Nearest daily</option>
            <option value="nearest_weekly">Nearest weekly</option>
            <option value="date">A fixed date</option>
          </select>
        </FormField>
        {draft.expiryKind === 'date' && (
          <FormField label="Expiry date" below={null}>
            <input
              type="date"
              value={draft.expiryDate}
              onChange={(event) => set('expiryDate', event.target.value)}
              {...aria('expiry_rule')}
            />
          </FormField>
        )}
        <FormField label="Strikes by" below={errorFor('strike_selection.kind')}>
          <select
            value={draft.strikeKind}
            onChange={(event) => set('strikeKind', event.target.value as StrategyDraft['strikeKind'])}
          >
            <option value="delta">Delta band (absolute delta)</option>
            <option value="premium">Premium band (USD per contract)</option>
          </select>
        </FormField>
        <FormField label={draft.strikeKind === 'delta' ? 'Delta low' : 'Premium low'} below={errorFor('strike_selection.low')}>
          <input
            inputMode="decimal"
            value={draft.strikeLow}
            onChange={(event) => set('strikeLow', event.target.value)}
            {...aria('strike_selection.low', 'strike_selection')}
          />
        </FormField>
        <FormField
          label={draft.strikeKind === 'delta' ? 'Delta high' : 'Premium high'}
          below={
            <>
              {errorFor('strike_selection.high')}
              {errorFor('strike_selection')}
            </>
          }
        >
          <input
            inputMode="decimal"
            value={draft.strikeHigh}
            onChange={(event) => set('strikeHigh', event.target.value)}
            {...aria('strike_selection.high', 'strike_selection')}
          />
        </FormField>
        <FormField label="Quantity (contracts per leg)" below={errorFor('quantity')}>
          <input
            inputMode="numeric"
            value={draft.quantity}
            onChange={(event) => set('quantity', event.target.value)}
            {...aria('quantity')}
          />
        </FormField>
        <FormField label="Entry time" below={errorFor('entry_time')}>
          <input type="time" value={draft.entryTime} onChange={(event) => set('entryTime', event.target.value)} {...aria('entry_time')} />
        </FormField>
        <FormField label="Exit time" below={errorFor('exit_time')}>
          <input type="time" value={draft.exitTime} onChange={(event) => set('exitTime', event.target.value)} {...aria('exit_time')} />
        </FormField>
        <FormField label="Time zone (IANA)" below={errorFor('timezone')}>
          <input
            list={`${formId}-zones`}
            value={draft.timezone}
            onChange={(event) => set('timezone', event.target.value)}
            {...aria('timezone')}
          />
        </FormField>
        <datalist id={`${formId}-zones`}>
          {TIME_ZONES.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
        <FormField label="Max loss (% of premium)" below={errorFor('max_loss_pct')}>
          <input
            inputMode="decimal"
            value={draft.maxLossPct}
            onChange={(event) => set('maxLossPct', event.target.value)}
            {...aria('max_loss_pct')}
          />
        </FormField>
        <FormField label="Take profit (% of premium)" below={errorFor('max_profit_pct')}>
          <input
            inputMode="decimal"
            value={draft.maxProfitPct}
            onChange={(event) => set('maxProfitPct', event.target.value)}
            {...aria('max_profit_pct')}
          />
        </FormField>
        <label className={styles.checkbox}>
          <input type="checkbox" checked={draft.active} onChange={(event) => set('active', event.target.checked)} />
          Active (trades in its entry window)
        </label>
      </div>
      <fieldset className={styles.trailing}>
        <legend>Trailing stops</legend>
        {errorFor('trailing_stops')}
        {draft.trailingStops.length === 0 && <p className={styles.muted}>None.</p>}
        {draft.trailingStops.map((rule, index) => (
          <div key={index} className={styles.trailingRow}>
            <FormField label={`Trigger % (rule ${index + 1})`} below={errorFor(`trailing_stops.${index}.trigger_pct`)}>
              <input
                inputMode="decimal"
                value={rule.trigger}
                onChange={(event) => setStop(index, 'trigger', event.target.value)}
                {...aria(`trailing_stops.${index}.trigger_pct`, `trailing_stops.${index}`)}
              />
            </FormField>
            <FormField
              label={`Lock % (rule ${index + 1})`}
              below={
                <>
                  {errorFor(`trailing_stops.${index}.lock_pct`)}
                  {errorFor(`trailing_stops.${index}`)}
                </>
              }
            >
              <input
                inputMode="decimal"
                value={rule.lock}
                onChange={(event) => setStop(index, 'lock', event.target.value)}
                {...aria(`trailing_stops.${index}.lock_pct`, `trailing_stops.${index}`)}
              />
            </FormField>
            <button
              type="button"
              className="button"
              onClick={() => set('trailingStops', draft.trailingStops.filter((_, at) => at !== index))}
            >
              Remove rule {index + 1}
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button"
          disabled={draft.trailingStops.length >= MAX_TRAILING_STOPS}
          onClick={() => set('trailingStops', [...draft.trailingStops, { trigger: '', lock: '' }])}
        >
          Add trailing stop
        </button>
      </fieldset>
      <div className={styles.formActions}>
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Saving…' : submitLabel}
        </button>
        <button type="button" className="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}

