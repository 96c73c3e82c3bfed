import { rowFields, spellFieldFilter } from './fieldFilters';
import { Highlighted } from './highlight';
import type { LogEntry } from './types';
import styles from './FieldPicker.module.css';

interface Props {
  row: LogEntry;
  words: readonly string[];
  onAdd: (spelled: string) => void;
}

/** The row's fields and payload values; each can be added as an include or an exclude filter. */
export function FieldPicker({ row, words, onAdd }: Props) {
  const fields = rowFields(row);
  if (fields.length === 0) return null;
  return (
    <section aria-label="Fields" className={styles.picker}>
      <h3 className={styles.heading}>Fields (filter by a value)</h3>
      <dl className={styles.fields}>
        {fields.map(([field, value]) => (
          <div key={field} className={styles.field}>
            <dt>{field}</dt>
            <dd>
              <span className={styles.value}>
                <Highlighted text={value} words={words} />
              </span>
              <button
                type="button"
                className={styles.action}
                title={`Show only rows with ${field} = ${value}`}
                aria-label={`Include ${field} = ${value}`}
                onClick={() => onAdd(spellFieldFilter({ field, value, exclude: false }))}
              >
                +
              </button>
              <button
                type="button"
                className={styles.action}
                title={`Hide rows with ${field} = ${value}`}
                aria-label={`Exclude ${field} = ${value}`}
                onClick={() => onAdd(spellFieldFilter({ field, value, exclude: true }))}
              >
                −
              </button>
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
