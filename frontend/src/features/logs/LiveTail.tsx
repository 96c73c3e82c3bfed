import type { LiveTailState } from './useLiveTail';
import styles from './LiveTail.module.css';

function connectionText(tail: LiveTailState): string {
  switch (tail.connection.status) {
    case 'off':
      return '';
    case 'connecting':
      return 'Connecting…';
    case 'following':
      if (tail.connection.skipped) return 'Following; entries from while disconnected were skipped: Refresh to see them';
      return tail.paused ? 'Paused' : 'Following new entries';
    case 'reconnecting':
      return `Connection lost; retrying in ${Math.round(tail.connection.delayMs / 1000)} s`;
    case 'refused':
      return `Live tail refused: ${tail.connection.detail}`;
  }
}

/** The live tail's switch, its pause and resume, and what it is doing. */
export function LiveTail({ tail }: { tail: LiveTailState }) {
  const pending = tail.bufferedCount;
  return (
    <div className={styles.tail} role="group" aria-label="Live tail">
      <label className={styles.switch}>
        <input
          type="checkbox"
          checked={tail.on}
          disabled={tail.unavailable !== null}
          onChange={(event) => tail.turn(event.target.checked)}
        />
        Live tail
      </label>
      {tail.on &&
        (tail.paused ? (
          <button type="button" className={`button ${styles.resume}`} onClick={tail.resume}>
            {pending > 0 ? `${pending.toLocaleString('en-US')} new, resume` : 'Resume'}
          </button>
        ) : (
          <button type="button" className="button" onClick={tail.pause}>
            Pause
          </button>
        ))}
      <span className={styles.state} data-status={tail.connection.status}>
        {tail.unavailable ?? connectionText(tail)}
      </span>
    </div>
  );
}
