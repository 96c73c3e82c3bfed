/**
 * POST /api/strategies/:id/backtest and its CSV export for component tests: the API's range
 * refusals (app: api/backtests.py) and two fixed trades.
 */
import type { BacktestBody, BacktestResult } from '../features/backtests/types';
import type { FakeBackend } from './fakeBackend';

export const BACKTEST_FILENAME = 'backtest-strategy1-20261116-20261123-seed0.csv';
const MAX_DAYS = 31;
const DAY_MS = 86_400_000;

export function backtestResult(body: BacktestBody): BacktestResult {
  const trade = (day: string, netPnl: number, reason: 'take_profit' | 'stop_loss') => ({
    opened_at: `${day}T01:00:00Z`,
    closed_at: `${day}T07:15:00Z`,
    reason,
    expiry: `${day}T08:00:00Z`,
    call_strike: 98000,
    put_strike: 91000,
    premium_collected: 120,
    gross_pnl: netPnl + 2,
    fees: 2,
    net_pnl: netPnl,
  });
  return {
    start: body.start,
    end: body.end ?? body.start,
    trades: [trade('2026-11-16', 40.5, 'take_profit'), trade('2026-11-17', -15.25, 'stop_loss')],
    statistics: {
      trade_count: 2,
      gross_pnl: 29.25,
      fees: 4,
      net_pnl: 25.25,
      wins: 1,
      losses: 1,
      win_rate: 0.5,
      average_trade: 12.625,
      average_win: 40.5,
      average_loss: -15.25,
      largest_win: 40.5,
      largest_loss: -15.25,
      profit_factor: 2.66,
      max_drawdown: 15.25,
      longest_win_streak: 1,
      longest_loss_streak: 1,
      trading_days: 2,
      profitable_days: 1,
      sharpe_annualised: null,
    },
    cumulative_pnl: [
      { at: '2026-11-16T07:15:00Z', value: 40.5 },
      { at: '2026-11-17T07:15:00Z', value: 25.25 },
    ],
    drawdown: [
      { at: '2026-11-16T07:15:00Z', value: 0 },
      { at: '2026-11-17T07:15:00Z', value: -15.25 },
    ],
    position_open_at_end: true,
  };
}

function refusal(body: BacktestBody) {
  const span = (Date.parse(body.end ?? '') - Date.parse(body.start)) / DAY_MS;
  const problem = (msg: string) => ({ status: 422, body: { detail: [{ loc: ['body', 'end'], msg: `Value error, ${msg}`, type: 'value_error' }] } });
  if (!(span > 0)) return problem('end must be after start');
  if (span > MAX_DAYS) return problem(`a backtest covers at most ${MAX_DAYS} days; this range covers ${span}`);
  return null;
}

export function installBacktestBackend(backend: FakeBackend, knownIds: () => number[]) {
  const answer = (id: string, body: BacktestBody, ok: (body: BacktestBody) => { status?: number; body?: unknown; text?: string; headers?: Record<string, string> }) => {
    if (!knownIds().includes(Number(id))) return { status: 404, body: { detail: `strategy ${id} not found` } };
    return refusal(body) ?? ok(body);
  };
  backend.on('POST', '/api/strategies/:id/backtest', ({ params, body }) =>
    answer(params.id ?? '', body as BacktestBody, (ok) => ({ body: backtestResult(ok) })),
  );
  backend.on('POST', '/api/strategies/:id/backtest/export', ({ params, body }) =>
    answer(params.id ?? '', body as BacktestBody, () => ({
      text: '# metadata\r\nfield,value\r\n# metrics\r\nmetric,value\r\ntrade_count,2\r\n# trades\r\nopened_at,cumulative_pnl\r\n',
      headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${BACKTEST_FILENAME}"` },
    })),
  );
}
