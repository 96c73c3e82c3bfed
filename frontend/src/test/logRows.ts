import type { LogEntry } from '../features/logs/types';

/** A backend-shaped log row; `second` counts back from a fixed instant so order is known. */
export function logRow(id: number, overrides: Partial<LogEntry> = {}): LogEntry {
  const ts = new Date(Date.UTC(2026, 10, 22, 9, 0, 0) + id * 1000).toISOString().replace('Z', '000Z');
  return {
    id,
    ts,
    level: 'INFO',
    logger: 'control_plane.http',
    event: 'http_request',
    message: `GET /api/thing/${id} 200`,
    correlation_id: `req-${id}`,
    strategy_id: null,
    source: 'backend',
    actor: null,
    parse_error: false,
    truncated: false,
    payload: { path: `/api/thing/${id}`, status: 200 },
    ingested_at: ts,
    ...overrides,
  };
}

/** Newest first, as the API returns them. */
export function newestFirst(fromId: number, toId: number): LogEntry[] {
  const rows: LogEntry[] = [];
  for (let id = toId; id >= fromId; id -= 1) rows.push(logRow(id));
  return rows;
}
