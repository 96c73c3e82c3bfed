export function sessionPath(sessionId: number): string {
  return `/sessions/${sessionId}`;
}

/** A route's `:id` as a session id, or null when it is not a positive whole number. */
export function parseSessionId(text: string | undefined): number | null {
  if (!text || !/^[1-9]\d{0,15}$/.test(text)) return null;
  const id = Number(text);
  return Number.isSafeInteger(id) ? id : null;
}

function asSessionId(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? value : null;
  if (typeof value === 'string') return parseSessionId(value);
  return null;
}

/**
 * The session a log line is about: the engine's lines carry `session_id`; the audit records of
 * session controls name it as their target (`session:42`).
 */
export function sessionIdOfLogPayload(payload: unknown): number | null {
  if (payload === null || typeof payload !== 'object') return null;
  const fields = payload as Record<string, unknown>;
  const direct = asSessionId(fields.session_id);
  if (direct !== null) return direct;
  const target = fields.target;
  return typeof target === 'string' && target.startsWith('session:') ? parseSessionId(target.slice(8)) : null;
}
