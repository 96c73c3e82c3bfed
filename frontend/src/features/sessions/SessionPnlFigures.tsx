import { formatPnl, formatUsd, pnlTone } from '../../lib/format';
import type { TradingSession } from '../dashboard/types';

/** A session's money figures (USD for the whole session), as items of the caller's <dl>. */
export function SessionPnlFigures({ session }: { session: TradingSession }) {
  const total = session.realised_pnl + session.unrealised_pnl;
  return (
    <>
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
    </>
  );
}
