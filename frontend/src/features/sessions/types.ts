/** Shapes of one session's routes (from the OpenAPI schema): detail, fills, events, PnL. */
import type { Schemas } from '../../api/schema';

export type SessionDetail = Schemas['SessionDetail'];
export type SessionFill = Schemas['SessionFill'];
export type FillPage = Schemas['FillPage'];
export type SessionEvent = Schemas['SessionEvent'];
export type EventPage = Schemas['EventPage'];
export type PnlPoint = Schemas['SeriesPoint'];
