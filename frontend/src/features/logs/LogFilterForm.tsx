import { useState, type FormEvent } from 'react';
import { EMPTY_FILTERS, LOG_SOURCES, type LogFilters } from './filters';
import { inputFromIso, isoFromInput, zoneLabel, type TimeZoneChoice } from './timeRange';
import { LOG_LEVELS, type LogFacets } from './types';
import { formatNumber } from '../../lib/format';
import styles from './LogFilterForm.module.css';

interface Props {
  filters: LogFilters;
  facets: LogFacets | undefined;
  onApply: (filters: LogFilters) => void;
  /** The clock the From and To inputs are read on. */
  timeZone?: TimeZoneChoice;
}

/** A draft of the filters; nothing is fetched until Apply, so typing does not spam the API. */
export function LogFilterForm({ filters, facets, onApply, timeZone = 'utc' }: Props) {
  const [draft, setDraft] = useState<LogFilters>(filters);
  const set = <K extends keyof LogFilters>(key: K, value: LogFilters[K]) =>
    setDraft((current) => ({ ...current, [key]: value }));
  // An absolute bound replaces a relative range.
  const setBound = (key: 'start' | 'end', value: string) =>
    setDraft((current) => ({ ...current, [key]: value, range: value ? '' : current.range }));

  const levelCounts = new Map<string, number>();
  for (const facet of facets?.levels ?? []) {
    if (facet.value) levelCounts.set(facet.value.toUpperCase(), facet.count);
  }
  const levelChoices = [...new Set([...LOG_LEVELS, ...levelCounts.keys(), ...draft.levels])];
  const eventChoices = (facets?.events ?? []).filter((facet) => facet.value);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onApply(draft);
  }

  function toggleLevel(level: string, checked: boolean) {
    set('levels', checked ? [...draft.levels, level] : draft.levels.filter((item) => item !== level));
  }

  return (
    <form className={styles.form} onSubmit={submit} aria-label="Log filters">
      <fieldset className={styles.levels}>
        <legend>Levels</legend>
        {levelChoices.map((level) => (
          <label key={level} className={styles.level}>
            <input
              type="checkbox"
              name="level"
              value={level}
              checked={draft.levels.includes(level)}
              onChange={(event) => toggleLevel(level, event.target.checked)}
            />
            <span className={`level level-${level.toLowerCase()}`}>{level}</span>
            <span className={styles.count}>{formatNumber(levelCounts.get(level) ?? 0, 0)}</span>
          </label>
        ))}
      </fieldset>
      <div className={styles.fields}>
        <label className={styles.field}>
          <span>Event</span>
          <input
            name="event"
            list="log-event-choices"
            value={draft.event}
            onChange={(event) => set('event', event.target.value)}
          />
        </label>
        <datalist id="log-event-choices">
          {eventChoices.map((facet) => (
            <option key={facet.value} value={facet.value ?? ''}>
              {`${facet.value} (${formatNumber(facet.count, 0)})`}
            </option>
          ))}
        </datalist>
        <label className={styles.field}>
          <span>Logger</span>
          <input name="logger" value={draft.logger} onChange={(event) => set('logger', event.target.value)} />
        </label>
        <label className={styles.field}>
          <span>Correlation id</span>
          <input
            name="correlation_id"
            value={draft.correlationId}
            onChange={(event) => set('correlationId', event.target.value)}
          />
        </label>
        <label className={styles.field}>
          <span>From ({zoneLabel(timeZone)})</span>
          <input
            name="start"
            type="datetime-local"
            step={1}
            value={inputFromIso(draft.start, timeZone)}
            onChange={(event) => setBound('start', isoFromInput(event.target.value, timeZone))}
          />
        </label>
        <label className={styles.field}>
          <span>To ({zoneLabel(timeZone)})</span>
          <input
            name="end"
            type="datetime-local"
            step={1}
            value={inputFromIso(draft.end, timeZone)}
            onChange={(event) => setBound('end', isoFromInput(event.target.value, timeZone))}
          />
        </label>
        <label className={`${styles.field} ${styles.wide}`}>
          <span>Text search</span>
          <input
            name="q"
            type="search"
            maxLength={500}
            placeholder="words or parts of words, in the message or payload"
            value={draft.text}
            onChange={(event) => set('text', event.target.value)}
          />
        </label>
        <label className={styles.field}>
          <span>Actor</span>
          <input
            name="actor"
            maxLength={128}
            placeholder="username"
            value={draft.actor}
            onChange={(event) => set('actor', event.target.value)}
          />
        </label>
        <label className={styles.field}>
          <span>Source</span>
          <select
            name="source"
            value={draft.source}
            onChange={(event) => set('source', event.target.value as LogFilters['source'])}
          >
            <option value="">Any</option>
            {LOG_SOURCES.map((source) => (
              <option key={source.value} value={source.value}>
                {source.label}
              </option>
            ))}
          </select>
        </label>
        <label className={styles.field}>
          <span>Rows</span>
          <select
            name="archived"
            title="Archived: the days loaded back from data/archive/ (control-plane logs import-archive)"
            value={draft.archived ? 'archived' : 'stored'}
            onChange={(event) => set('archived', event.target.value === 'archived')}
          >
            <option value="stored">Stored</option>
            <option value="archived">Archived</option>
          </select>
        </label>
        <div className={styles.actions}>
          <button type="submit" className="button button-primary">
            Apply filters
          </button>
          <button type="button" className="button" onClick={() => onApply(EMPTY_FILTERS)}>
            Clear
          </button>
        </div>
      </div>
    </form>
  );
}
