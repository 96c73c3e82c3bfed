import { formatNumber, formatPercent, formatUsd, formatUtc } from '../../lib/format';
import type { TradingSession } from '../dashboard/types';
import styles from './sessions.module.css';

type Position = NonNullable<TradingSession['position']>;

function coin(session: TradingSession): string {
  return session.underlying ?? 'coin';
}

/** The open strangle's legs: prices are USD per coin, the premium USD for the whole position. */
export function PositionLegs({ session, position }: { session: TradingSession; position: Position }) {
  const underlying = coin(session);
  return (
    <div className={styles.position}>
      <p className={styles.caption}>
        {position.contracts} contracts of {formatNumber(position.contract_size, 4)} {underlying} each, expiry{' '}
        {formatUtc(position.expiry)}. Premium collected {formatUsd(position.premium_collected)} for the whole position; leg
        prices are USD per {underlying}.
      </p>
      <table className="data-table" aria-label={`Position of session ${session.id}`} tabIndex={0}>
        <thead>
          <tr>
            <th scope="col">Leg</th>
            <th scope="col" className="num">
              Strike
            </th>
            <th scope="col" className="num">
              Entry <abbr title={`USD per ${underlying}`}>$/{underlying}</abbr>
            </th>
            <th scope="col" className="num">
              Mark <abbr title={`USD per ${underlying}`}>$/{underlying}</abbr>
            </th>
            <th scope="col" className="num">
              Delta
            </th>
            <th scope="col" className="num">
              <abbr title="Implied volatility">IV</abbr>
            </th>
          </tr>
        </thead>
        <tbody>
          {position.legs.map((leg) => (
            <tr key={`${leg.option_type}-${leg.strike}`}>
              <td>Short {leg.option_type}</td>
              <td className="num">{leg.strike.toLocaleString('en-US')}</td>
              <td className="num">{formatUsd(leg.entry_price)}</td>
              <td className="num">{formatUsd(leg.mark_price)}</td>
              <td className="num">{formatNumber(leg.delta, 3)}</td>
              <td className="num">{formatPercent(leg.iv)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className={styles.note}>
        Spot {formatUsd(session.spot)} per {underlying} · position delta{' '}
        {position.net_delta === null ? '—' : `${formatNumber(position.net_delta, 6)} ${underlying}`} · exit by{' '}
        {formatUtc(position.exit_deadline)}
      </p>
    </div>
  );
}
