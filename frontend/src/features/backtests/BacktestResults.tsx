import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useServices } from '../../app/services';
import { describeError } from '../../lib/describeError';
import { formatNumber, formatPercent, formatPnl, formatUsd, formatUtc, pnlTone } from '../../lib/format';
import { fetchHistory } from '../analytics/api';
import { searchFromFilters, type AnalyticsFilters } from '../analytics/filters';
import { LineChart } from '../analytics/LineChart';
import type { AnalyticsMetrics } from '../analytics/types';
import type { Strategy } from '../strategies/types';
import type { BacktestDraft } from './form';
import type { BacktestResult, BacktestStatistics, BacktestTrade } from './types';
import styles from './BacktestsPage.module.css';

interface MetricRow {
  label: string;
  backtest: (figures: BacktestStatistics) => number | string | null;
  /** Absent for a figure the analytics history does not report. */
  history?: (figures: AnalyticsMetrics) => number | string | null;
  format: (value: number | null) => string;
  signed?: boolean;
}

const count = (value: number | null) => (value === null ? '—' : String(value));

const METRICS: MetricRow[] = [
  { label: 'Trades', backtest: (s) => s.trade_count, history: (m) => m.trade_count, format: count },
  { label: 'Net PnL', backtest: (s) => s.net_pnl, history: (m) => m.net_pnl, format: formatPnl, signed: true },
  { label: 'Gross PnL', backtest: (s) => s.gross_pnl, history: (m) => m.gross_pnl, format: formatPnl, signed: true },
  { label: 'Fees', backtest: (s) => s.fees, history: (m) => m.fees, format: formatUsd },
  { label: 'Win rate', backtest: (s) => s.win_rate, history: (m) => m.win_rate, format: formatPercent },
  { label: 'Average trade', backtest: (s) => s.average_trade, format: formatPnl, signed: true },
  { label: 'Average win', backtest: (s) => s.average_win, history: (m) => m.average_win, format: formatPnl, signed: true },
  { label: 'Average loss', backtest: (s) => s.average_loss, history: (m) => m.average_loss, format: formatPnl, signed: true },
  { label: 'Largest win', backtest: (s) => s.largest_win, format: formatPnl, signed: true },
  { label: 'Largest loss', backtest: (s) => s.largest_loss, format: formatPnl, signed: true },
  { label: 'Profit factor', backtest: (s) => s.profit_factor, history: (m) => m.profit_factor, format: formatNumber },
  { label: 'Max drawdown', backtest: (s) => s.max_drawdown, history: (m) => m.max_drawdown, format: formatUsd },
  { label: 'Sharpe (annualised)', backtest: (s) => s.sharpe_annualised, history: (m) => m.sharpe, format: formatNumber },
  {
    label: 'Streaks (win / loss)',
    backtest: (s) => `${s.longest_win_streak} / ${s.longest_loss_streak}`,
    history: (m) => `${m.longest_win_streak} / ${m.longest_loss_streak}`,
    format: count,
  },
  {
    label: 'Profitable days',
    backtest: (s) => `${s.profitable_days} of ${s.trading_days}`,
    history: (m) => `${m.profitable_days} of ${m.trading_days}`,
    format: count,
  },
];

function MetricCell({ row, value }: { row: MetricRow; value: number | string | null | undefined }) {
  if (value === undefined) return <td className="num">—</td>;
  if (typeof value === 'string') return <td className="num">{value}</td>;
  return <td className={`num ${row.signed ? pnlTone(value) : ''}`}>{row.format(value)}</td>;
}

const REASON: Record<BacktestTrade['reason'], string> = {
  stop_loss: 'Stop loss',
  take_profit: 'Take profit',
  trailing_stop: 'Trailing stop',
  exit_time: 'Exit time',
  expiry: 'Expiry',
};

interface Props {
  strategy: Strategy;
  draft: BacktestDraft;
  result: BacktestResult;
}

/** The backtest's figures and curve beside the paper/live history of the same strategy and days. */
export function BacktestResults({ strategy, draft, result }: Props) {
  const { api } = useServices();
  const filters: AnalyticsFilters = {
    preset: 'all',
    start: draft.start,
    end: draft.end,
    strategyId: String(strategy.id),
    page: 1,
  };
  const history = useQuery({
    queryKey: ['analytics', 'history', searchFromFilters(filters).toString()],
    queryFn: ({ signal }) => fetchHistory(api, filters, signal),
  });
  const metrics = history.data?.metrics;
  const { statistics } = result;

  return (
    <section aria-labelledby="backtest-result-title" className={styles.results}>
      <h2 id="backtest-result-title" className={styles.sectionTitle}>
        {strategy.name}: {draft.start} to {draft.end} <span className={styles.muted}>(UTC days, both included)</span>
      </h2>
      <p className={styles.muted} data-testid="backtest-summary">
        {statistics.trade_count} trades on a simulated {strategy.underlying} market, seed {draft.seed}
        {result.position_open_at_end ? '; a position was still open at the end (not counted).' : '.'}
      </p>
      {history.isError && (
        <p role="alert" className="alert-error">
          Could not load the paper/live history: {describeError(history.error)}
        </p>
      )}
      <div className={styles.overview}>
        <table className={`data-table card ${styles.compare}`} aria-label="Metrics" tabIndex={0}>
          <thead>
            <tr>
              <th scope="col">Metric</th>
              <th scope="col" className="num">
                Backtest
              </th>
              <th scope="col" className="num">
                Paper/live history
              </th>
            </tr>
          </thead>
          <tbody>
            {METRICS.map((row) => (
              <tr key={row.label}>
                <th scope="row">{row.label}</th>
                <MetricCell row={row} value={row.backtest(statistics)} />
                <MetricCell row={row} value={metrics && row.history ? row.history(metrics) : undefined} />
              </tr>
            ))}
          </tbody>
        </table>
        <div className={styles.charts}>
          <LineChart title="Backtest equity curve" points={result.cumulative_pnl.map((p) => ({ time: p.at, value: p.value }))} />
          {history.data ? (
            <LineChart title="Paper/live history" points={history.data.series.cumulative_pnl} />
          ) : (
            <p className={`card ${styles.muted}`}>{history.isPending ? 'Loading the paper/live history…' : 'No history.'}</p>
          )}
          <p className={styles.muted}>
            The history column and chart are this strategy&apos;s paper and live trades on the same days.{' '}
            <Link to={`/analytics?${searchFromFilters(filters).toString()}`}>Open them in Analytics</Link>
          </p>
        </div>
      </div>
      <h3 className={styles.sectionTitle}>Trades</h3>
      {result.trades.length === 0 ? (
        <p className={styles.muted}>No trade closed in this range: try more days, or check the entry and exit times.</p>
      ) : (
        <table className="data-table card" aria-label="Backtest trades" tabIndex={0}>
          <thead>
            <tr>
              <th scope="col">Opened</th>
              <th scope="col">Closed</th>
              <th scope="col">Exit</th>
              <th scope="col" className="num">
                Strikes (call / put)
              </th>
              <th scope="col" className="num">
                Premium
              </th>
              <th scope="col" className="num">
                Net PnL
              </th>
            </tr>
          </thead>
          <tbody>
            {result.trades.map((trade) => (
              <tr key={trade.opened_at}>
                <td>{formatUtc(trade.opened_at)}</td>
                <td>{formatUtc(trade.closed_at)}</td>
                <td>{REASON[trade.reason]}</td>
                <td className="num">
                  {formatNumber(trade.call_strike, 0)} / {formatNumber(trade.put_strike, 0)}
                </td>
                <td className="num">{formatUsd(trade.premium_collected)}</td>
                <td className={`num ${pnlTone(trade.net_pnl)}`}>{formatPnl(trade.net_pnl)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
