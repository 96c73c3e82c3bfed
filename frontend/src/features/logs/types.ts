/** The Log Viewer's API shapes, as the app's OpenAPI schema declares them. */
import type { Schemas } from '../../api/schema';

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;

/**
 * `source`: backend (the log file), edge (the edge's access log), ui (the browser, stamped by
 * the server; older rows say frontend), ingest. `actor`: who caused the row (a signed-in user, or an audit event's actor).
 */
export type LogEntry = Schemas['LogEntry'];
export type LogPage = Schemas['LogPage'];
export type LogContext = Schemas['LogContext'];
export type FacetValue = Schemas['FacetCount'];
export type LogFacets = Schemas['LogFacets'];
export type VolumeHistogram = Schemas['VolumeHistogramOut'];
