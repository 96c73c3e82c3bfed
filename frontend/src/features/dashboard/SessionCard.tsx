import { useQuery } from '@tanstack/react-query';
import { formatPnl, formatUsd, formatUtc, pnlTone } from '../../lib/format';
import { fillsKey } from './api';
import { SessionControls, sessionTitle } from './SessionControls';
import type { Fill, TradingSession } from './types';
import styles from './DashboardPage.module.css';

const STATUS_LABEL: Record<string, string> = {
  running: 'Running',
  paused: 'Paused',
  stopped: 'Stopped',
  panic_closed: 'Panic-closed',
  interrupted: 'Interrupted',
};

export function statusLabel(status: string): string {
  return STATUS_LABEL[status] ?? status;
}

export function SessionCard({ session, canControl }: { session: TradingSession; canControl: boolean }) {
  // Fills arrive only over the WebSocket; this query is a cache the live hook writes to.
  const fills = useQuery<Fill[]>({ queryKey: fillsKey(session.id), queryFn: () => [], staleTime: Infinity });

  const title = sessionTitle(session);
  const live = session.status === 'running' || session.status === 'paused';
  const total = session.realised_pnl + session.unrealised_pnl;

  return (
    <article className={`card ${styles.sessionCard}`} aria-label={title}>
      <header className={styles.sessionHeader}>
        <h3 className={styles.sessionTitle}>{title}</h3>
        <span className={styles.mode}>{session.mode}</span>
        <span className={`badge badge-${session.status}`} data-testid="session-status">
          {statusLabel(session.status)}
        </span>
        {canControl && live && <SessionControls session={session} className={styles.sessionActions} />}
      </header>
      {session.status_reason && <p className={styles.reason}>{session.status_reason}</p>}
      <dl className={styles.figures}>
        <div>
          <dt>Realised PnL</dt>
          <dd className={pnlTone(session.realised_pnl)} data-testid="realised-pnl">
            {formatPnl(session.realised_pnl)}
          </dd>
        </div>
        <div>
          <dt>Unrealised PnL</dt>
          <dd className={pnlTone(session.unrealised_pnl)} data-testid="unrealised-pnl">
            {formatPnl(session.unrealised_pnl)}
          </dd>
        </div>
        <div>
          <dt>Total</dt>
          <dd className={pnlTone(total)}>{formatPnl(total)}</dd>
        </div>
        <div>
          <dt>Fees</dt>
          <dd>{formatUsd(session.fees)}</dd>
        </div>
        <div>
          <dt>Trades</dt>
          <dd>{session.trade_count}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{formatUtc(session.started_at)}</dd>
        </div>
      </dl>
      {session.position ? (
        <PositionTable session={session} />
      ) : (
        live && <p className={styles.muted}>Flat: no open position.</p>
      )}
      {fills.data && fills.data.length > 0 && <FillsTable fills={fills.data} sessionId={session.id} />}
    </article>
  );
}

function PositionTable({ session }: { session: TradingSession }) {
  const position = session.position;
  if (!position) return null;
  return (
    <table className="data-table" aria-label={`Position of session ${session.id}`} tabIndex={0}>
      <caption className={styles.caption}>
        Position: {position.contracts} contracts, expiry {formatUtc(position.expiry)}, premium{' '}
        {formatUsd(position.premium_collected)}
      </caption>
      <thead>
        <tr>
          <th scope="col">Leg</th>
          <th scope="col" className="num">
            Strike
          </th>
          <th scope="col" className="num">
            Entry
          </th>
          <th scope="col" className="num">
            Mark
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
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function FillsTable({ fills, sessionId }: { fills: Fill[]; sessionId: number }) {
  return (
    <table className="data-table" aria-label={`Fills of session ${sessionId}`} tabIndex={0}>
      <caption className={styles.caption}>Fills since this page opened</caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Side</th>
          <th scope="col">Leg</th>
          <th scope="col" className="num">
            Price
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
        {fills.map((fill, index) => (
          <tr key={`${fill.time}-${index}`}>
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
