import { useState, useSyncExternalStore } from 'react';
import type { ApiCallRecorder } from '../lib/apiInspector';
import styles from './ApiInspector.module.css';

function statusClass(status: number | null): string {
  if (status === null || status >= 500) return styles.bad ?? '';
  if (status >= 400) return styles.warn ?? '';
  return styles.good ?? '';
}

/** Recent API calls, for debugging against a real backend; built only when enabled. */
export default function ApiInspector({ recorder }: { recorder: ApiCallRecorder }) {
  const calls = useSyncExternalStore(recorder.subscribe, recorder.snapshot);
  const [open, setOpen] = useState(false);

  return (
    <aside className={styles.inspector} aria-label="API inspector">
      <button
        type="button"
        className="button"
        aria-expanded={open}
        aria-controls="api-inspector-calls"
        onClick={() => setOpen(!open)}
      >
        API inspector ({calls.length})
      </button>
      {open && (
        <div id="api-inspector-calls" className={styles.panel}>
          <div className={styles.toolbar}>
            <span>Recent requests, newest first</span>
            <button type="button" className="button button-quiet" onClick={recorder.clear}>
              Clear
            </button>
          </div>
          <table className={styles.table}>
            <thead>
              <tr>
                <th scope="col">Method</th>
                <th scope="col">Path</th>
                <th scope="col">Status</th>
                <th scope="col">Duration</th>
                <th scope="col">Request id</th>
              </tr>
            </thead>
            <tbody>
              {calls.map((call) => (
                <tr key={call.sequence}>
                  <td>{call.method}</td>
                  <td className={styles.path}>{call.path}</td>
                  <td className={statusClass(call.status)}>{call.status ?? call.error ?? 'failed'}</td>
                  <td>{call.durationMs} ms</td>
                  <td className={styles.mono}>{call.requestId}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </aside>
  );
}
