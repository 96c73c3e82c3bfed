import type { ReactNode } from 'react';
import styles from './SystemPage.module.css';

/** One card of label/value rows; `warning` draws it in the warning colour. */
export function Figures({ title, rows, warning = false }: { title: string; rows: [string, ReactNode][]; warning?: boolean }) {
  return (
    <section className={`card ${styles.figures} ${warning ? styles.warning : ''}`} aria-label={title}>
      <h2 className={styles.cardTitle}>{title}</h2>
      <dl className={styles.list}>
        {rows.map(([label, value]) => (
          <div key={label} className={styles.row}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
