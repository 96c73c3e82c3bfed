/** A strategy configuration as the API takes it (app: trading/strategy_config.py, via the OpenAPI schema). */
import type { Schemas } from '../../api/schema';

export type Underlying = Schemas['StrategyConfig']['underlying'];
export type StrikeSelection = Schemas['StrategyConfig']['strike_selection'];
export type TrailingStop = Schemas['TrailingStopRule'];

// The schema marks defaulted fields optional; the API always sends them and this app always does too.
export type StrategyConfig = Required<Schemas['StrategyConfig']>;
export type Strategy = Required<Schemas['StrategyOut']>;
