import { formatUsd, formatUtc } from '../../lib/format';
import type { SessionFill } from './types';
import styles from './sessions.module.css';

/** Fills, newest first: price is USD per coin of the underlying, the fee USD for the whole fill. */
export function FillsTable({
  fills,
  sessionId,
  caption,
  underlying,
}: {
  fills: readonly SessionFill[];
  sessionId: number;
  caption: string;
  underlying: string | null;
}) {
  const coin = underlying ?? 'coin';
  return (
    <table className="data-table" aria-label={`Fills of session ${sessionId}`} tabIndex={0}>
      <caption className={styles.caption}>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Side</th>
          <th scope="col">Leg</th>
          <th scope="col" className="num">
            Price <abbr title={`USD per ${coin}`}>$/{coin}</abbr>
          </th>
          <th scope="col" className="num">
            Contracts
          </th>
          <th scope="col" className="num">
            Fee
          </th>
        </tr>
      </thead>
      <tbody>
        {fills.map((fill) => (
          <tr key={fill.id}>
            <td className="nowrap">{formatUtc(fill.time)}</td>
            <td>{fill.side}</td>
            <td>
              {fill.option_type} {fill.strike.toLocaleString('en-US')}
            </td>
            <td className="num">{formatUsd(fill.price)}</td>
            <td className="num">{fill.contracts}</td>
            <td className="num">{formatUsd(fill.fee)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
