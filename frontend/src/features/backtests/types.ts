/** POST /api/strategies/{id}/backtest, as the app's OpenAPI schema declares it. */
import type { Schemas } from '../../api/schema';

export type BacktestRequest = Schemas['BacktestRequest'];
export type BacktestResult = Schemas['BacktestResponse'];
export type BacktestStatistics = Schemas['BacktestStatistics'];
export type BacktestTrade = Schemas['BacktestTrade'];

/** What this screen sends: a range by its end (the API refuses an end together with days). */
export type BacktestBody = Pick<BacktestRequest, 'start' | 'end' | 'seed'>;
