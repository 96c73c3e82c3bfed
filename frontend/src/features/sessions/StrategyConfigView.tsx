import { describeExpiry, describeStrikes, describeWindow } from '../strategies/describeStrategy';
import type { SessionDetail } from './types';
import styles from './SessionPage.module.css';

/** The strategy as the session copied it when it started (later edits do not change it). */
export function StrategyConfigView({ config }: { config: SessionDetail['config'] }) {
  const stops = config.trailing_stops ?? [];
  const facts: [string, string][] = [
    ['Name', config.name],
    ['Underlying', config.underlying],
    ['Expiry', describeExpiry(config.expiry_rule)],
    ['Strikes', describeStrikes(config)],
    ['Quantity', `${config.quantity} contracts per leg`],
    ['Entry–exit window', describeWindow(config)],
    ['Max loss', `${config.max_loss_pct} % of premium`],
    ['Take profit', `${config.max_profit_pct} % of premium`],
    [
      'Trailing stops',
      stops.length === 0 ? 'none' : stops.map((stop) => `at ${stop.trigger_pct} % keep ${stop.lock_pct} %`).join('; '),
    ],
  ];
  return (
    <dl className={styles.facts}>
      {facts.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
