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

/** Rows the browser sent (stamped server-side with the user); `frontend` is the older name. */
export function isUiRow(row: { source: string | null }): boolean {
  return row.source === 'ui' || row.source === 'frontend';
}

function payloadField(payload: unknown, key: string): string | null {
  if (!payload || typeof payload !== 'object') return null;
  const value = (payload as Record<string, unknown>)[key];
  return value === null || value === undefined || value === '' ? null : String(value);
}

/** Who caused the row: the row's actor column, else the payload's (the API may put it either place). */
export function rowActor(row: { actor?: string | null; payload: unknown }): string | null {
  return row.actor || payloadField(row.payload, 'actor');
}

export interface AuditFacts {
  actor: string | null;
  actorRole: string | null;
  action: string;
  target: string | null;
  outcome: string;
  sourceAddress: string | null;
}

/** The who/what/on-what/result of an `audit` row, or null for any other row. */
export function auditFacts(row: { event: string | null; actor?: string | null; payload: unknown }): AuditFacts | null {
  if (row.event !== 'audit') return null;
  return {
    actor: rowActor(row),
    actorRole: payloadField(row.payload, 'actor_role'),
    action: payloadField(row.payload, 'action') ?? 'unknown action',
    target: payloadField(row.payload, 'target'),
    outcome: payloadField(row.payload, 'outcome') ?? 'success',
    sourceAddress: payloadField(row.payload, 'source_address'),
  };
}
