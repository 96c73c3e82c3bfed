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
  source: 'backend' | 'frontend' | string;
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
