/** How the Log Viewer shows rows (not which rows): the clock and line wrapping, kept in the URL. */
import type { TimeZoneChoice } from './timeRange';

export interface LogViewOptions {
  timeZone: TimeZoneChoice;
  wrap: boolean;
}

export function viewOptionsFromSearch(search: URLSearchParams): LogViewOptions {
  return { timeZone: search.get('tz') === 'local' ? 'local' : 'utc', wrap: search.get('wrap') === 'true' };
}

/** `search` with the options set (defaults left out, so a plain link stays plain). */
export function withViewOptions(search: URLSearchParams, options: LogViewOptions): URLSearchParams {
  const next = new URLSearchParams(search);
  next.delete('tz');
  next.delete('wrap');
  if (options.timeZone === 'local') next.set('tz', 'local');
  if (options.wrap) next.set('wrap', 'true');
  return next;
}
