export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;

export interface LogEntry {
  id: number;
  ts: string | null;
  level: string | null;
  logger: string | null;
  event: string | null;
  message: string | null;
  correlation_id: string | null;
  strategy_id: string | null;
  /** backend (the log file), ui (the browser, stamped by the server; older rows say frontend), ingest. */
  source: 'backend' | 'ui' | 'frontend' | 'ingest' | string;
  /** Who caused the row (a signed-in user, or an audit event's actor); older APIs put it in the payload only. */
  actor?: string | null;
  parse_error: boolean;
  truncated: boolean;
  payload: unknown;
  ingested_at: string;
}

export interface LogPage {
  items: LogEntry[];
  next_cursor: string | null;
}

export interface LogContext {
  before: LogEntry[];
  entry: LogEntry;
  after: LogEntry[];
}

export interface FacetValue {
  value: string | null;
  count: number;
}

export interface LogFacets {
  levels: FacetValue[];
  events: FacetValue[];
}
