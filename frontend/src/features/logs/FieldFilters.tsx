import { useState, type FormEvent } from 'react';
import { COLUMN_FIELDS, isFilterableField, parseFieldFilter, spellFieldFilter } from './fieldFilters';
import styles from './FieldFilters.module.css';

interface Props {
  where: readonly string[];
  onChange: (where: string[]) => void;
}

/** The field filters as removable chips, and a line to add one (`payload.order_id` = X). */
export function FieldFilters({ where, onChange }: Props) {
  const [field, setField] = useState('');
  const [exclude, setExclude] = useState(false);
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState('');

  function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = field.trim();
    if (!isFilterableField(name)) {
      setProblem(`“${name}” is not a field: use ${COLUMN_FIELDS.join(', ')} or payload.<key>.`);
      return;
    }
    const spelled = spellFieldFilter({ field: name, value, exclude });
    setProblem('');
    setValue('');
    if (!where.includes(spelled)) onChange([...where, spelled]);
  }

  return (
    <section className={styles.fieldFilters} aria-label="Field filters">
      <h2 className={styles.title}>Field filters</h2>
      {where.length > 0 && (
        <ul className={styles.chips} aria-label="Field filters in force">
          {where.map((spelled) => {
            const parsed = parseFieldFilter(spelled);
            return (
              <li key={spelled} className={`${styles.chip} ${parsed?.exclude ? styles.exclude : ''}`}>
                <span className={styles.chipText}>
                  {parsed ? (
                    <>
                      {parsed.field} <strong>{parsed.exclude ? '≠' : '='}</strong> {parsed.value || '""'}
                    </>
                  ) : (
                    spelled
                  )}
                </span>
                <button
                  type="button"
                  className={styles.remove}
                  aria-label={`Remove filter ${spelled}`}
                  onClick={() => onChange(where.filter((item) => item !== spelled))}
                >
                  ×
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <form className={styles.add} onSubmit={add} aria-label="Add a field filter">
        <input
          aria-label="Filter field"
          list="log-field-choices"
          placeholder="field, e.g. payload.order_id"
          value={field}
          onChange={(event) => setField(event.target.value)}
          required
        />
        <datalist id="log-field-choices">
          {COLUMN_FIELDS.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <select
          aria-label="Filter operator"
          value={exclude ? 'exclude' : 'include'}
          onChange={(event) => setExclude(event.target.value === 'exclude')}
        >
          <option value="include">=</option>
          <option value="exclude">≠</option>
        </select>
        <input
          aria-label="Filter value"
          placeholder="value"
          maxLength={500}
          value={value}
          onChange={(event) => setValue(event.target.value)}
        />
        <button type="submit" className="button">
          Add filter
        </button>
      </form>
      {problem && (
        <p role="alert" className={styles.problem}>
          {problem}
        </p>
      )}
    </section>
  );
}
