import { useEffect } from 'react';

/** The User Timing mark set when the Log Viewer first shows rows after a page load: its
 * startTime is the time from navigation to rows (the browser suite holds it to a budget). */
export const FIRST_ROWS_MARK = 'log-viewer:first-rows';

/** Marks the first time `shown` is true in this page load (later visits of the screen keep it). */
export function useFirstRowsMark(shown: boolean) {
  useEffect(() => {
    if (shown && typeof performance !== 'undefined' && performance.getEntriesByName(FIRST_ROWS_MARK).length === 0) {
      performance.mark(FIRST_ROWS_MARK);
    }
  }, [shown]);
}
