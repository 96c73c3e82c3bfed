import type { Schemas } from '../../api/schema';

type Config = Schemas['StrategyConfig'];

const EXPIRY: Record<string, string> = { nearest_daily: 'Nearest daily', nearest_weekly: 'Nearest weekly' };

export function describeExpiry(rule: string): string {
  return EXPIRY[rule] ?? rule;
}

export function describeStrikes(strategy: Pick<Config, 'strike_selection'>): string {
  const { kind, low, high } = strategy.strike_selection;
  return kind === 'delta' ? `Δ ${low}–${high}` : `$${low}–$${high} premium`;
}

export function describeWindow(strategy: Pick<Config, 'entry_time' | 'exit_time' | 'timezone'>): string {
  const short = (time: string) => time.slice(0, 5);
  return `${short(strategy.entry_time)}–${short(strategy.exit_time)} ${strategy.timezone}`;
}
