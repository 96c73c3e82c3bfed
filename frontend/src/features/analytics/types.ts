/** GET /api/analytics/history, as the app's OpenAPI schema declares it. */
import type { Schemas } from '../../api/schema';

export type AnalyticsHistory = Schemas['AnalyticsHistory'];
export type AnalyticsMetrics = Schemas['HistoryMetrics'];
export type SeriesPoint = Schemas['SeriesPoint'];
export type TimelineItem = Schemas['TimelineItem'];
export type Preset = Schemas['AppliedFilters']['preset'];

// `satisfies` keeps this list and the schema's preset enum from drifting apart.
export const PRESETS = ['today', '7d', '30d', '90d', 'ytd', 'all'] as const satisfies readonly Preset[];
