/** "2026-11-22T00:04:00.548610Z" → "2026-11-22 00:04:00.548" (UTC, as the API gives it). */
export function formatTimestamp(ts: string | null): string {
  if (!ts) return '—';
  return ts.replace('T', ' ').replace(/(\.\d{3})\d*Z$/, '$1').replace(/Z$/, '');
}

export function firstLine(text: string | null): string {
  if (!text) return '';
  const newline = text.indexOf('\n');
  return newline === -1 ? text : `${text.slice(0, newline)} …`;
}

export function levelClassName(level: string | null): string {
  const known = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'];
  const upper = (level ?? '').toUpperCase();
  return known.includes(upper) ? `level level-${upper.toLowerCase()}` : 'level level-other';
}
