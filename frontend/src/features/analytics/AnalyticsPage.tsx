import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useServices } from '../../app/services';
import { describeError } from '../../lib/describeError';
import { formatNumber, formatPercent, formatPnl, formatUsd, formatUtc, pnlTone } from '../../lib/format';
import { sessionPath } from '../sessions/links';
import { useStrategies } from '../strategies/useStrategies';
import { fetchHistory } from './api';
import { ExportCsvButton } from './ExportCsvButton';
import { filtersFromSearch, rangeProblem, searchFromFilters, TIMELINE_PAGE_SIZE, type AnalyticsFilters } from './filters';
import { LineChart } from './LineChart';
import { PRESETS, type AnalyticsHistory, type Preset } from './types';
import styles from './AnalyticsPage.module.css';
import { usePageTitle } from '../../lib/pageTitle';

const PRESET_LABEL: Record<Preset, string> = {
  today: 'Today',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
  ytd: 'Year to date',
  all: 'All time',
};

export function AnalyticsPage() {
  usePageTitle('Analytics');
  const { api } = useServices();
  const [searchParams, setSearchParams] = useSearchParams();
  const searchKey = searchParams.toString();
  const filters = useMemo(() => filtersFromSearch(new URLSearchParams(searchKey)), [searchKey]);
  const problem = rangeProblem(filters.start, filters.end);

  const history = useQuery({
    queryKey: ['analytics', 'history', searchFromFilters(filters).toString()],
    queryFn: ({ signal }) => fetchHistory(api, filters, signal),
    enabled: problem === null,
    placeholderData: keepPreviousData,
  });

  const apply = (next: AnalyticsFilters) => setSearchParams(searchFromFilters(next));

  return (
    <div className="screen">
      <div className="screen-header">
        <h1 className="page-title">Advanced Analytics</h1>
        <ExportCsvButton filters={filters} disabled={problem !== null} />
      </div>
      <AnalyticsFilterForm key={searchKey} filters={filters} onApply={apply} />
      {problem && (
        <p role="alert" className="alert-error">
          {problem}
        </p>
      )}
      {history.isError && (
        <p role="alert" className="alert-error">
          Could not load analytics: {describeError(history.error)}
        </p>
      )}
      {history.isPending && problem === null && <p className={styles.muted}>Loading analytics…</p>}
      {history.data && (
        <AnalyticsResults data={history.data} onPage={(page) => apply({ ...filters, page })} />
      )}
    </div>
  );
}

function AnalyticsFilterForm({ filters, onApply }: { filters: AnalyticsFilters; onApply: (next: AnalyticsFilters) => void }) {
  const strategies = useStrategies();
  const [draft, setDraft] = useState(filters);
  const set = <K extends keyof AnalyticsFilters>(key: K, value: AnalyticsFilters[K]) =>
    setDraft((current) => ({ ...current, [key]: value }));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // New filters start the timeline on its first page.
    onApply({ ...draft, page: 1 });
  }

  return (
    <form className={`card ${styles.filters}`} onSubmit={submit} aria-label="Analytics filters">
      <label className="field">
        <span>Period</span>
        <select value={draft.preset} onChange={(event) => set('preset', event.target.value as Preset)}>
          {PRESETS.map((preset) => (
            <option key={preset} value={preset}>
              {PRESET_LABEL[preset]}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>From (date)</span>
        <input type="date" value={draft.start} onChange={(event) => set('start', event.target.value)} />
      </label>
      <label className="field">
        <span>To (date)</span>
        <input type="date" value={draft.end} onChange={(event) => set('end', event.target.value)} />
      </label>
      <label className="field">
        <span>Strategy</span>
        <select value={draft.strategyId} onChange={(event) => set('strategyId', event.target.value)}>
          <option value="">All strategies</option>
          {(strategies.data ?? []).map((strategy) => (
            <option key={strategy.id} value={String(strategy.id)}>
              {strategy.name}
            </option>
          ))}
        </select>
      </label>
      <div className={styles.filterActions}>
        <button type="submit" className="button button-primary">
          Apply filters
        </button>
        <button
          type="button"
          className="button"
          onClick={() => onApply({ preset: '30d', start: '', end: '', strategyId: '', page: 1 })}
        >
          Reset
        </button>
      </div>
      <p className={styles.hint}>Dates, when given, override the period.</p>
    </form>
  );
}

function MetricCard({ label, value, tone }: { label: string; value: string; tone?: string }) {
  return (
    <div className={`card ${styles.metric}`}>
      <dt>{label}</dt>
      <dd className={tone}>{value}</dd>
    </div>
  );
}

function AnalyticsResults({ data, onPage }: { data: AnalyticsHistory; onPage: (page: number) => void }) {
  const { metrics, series, timeline } = data;
  const pages = Math.max(1, Math.ceil(timeline.total / (timeline.page_size || TIMELINE_PAGE_SIZE)));
  return (
    <>
      <p className={styles.muted} data-testid="analytics-range">
        {formatUtc(data.filters.start)} to {formatUtc(data.filters.end)}
      </p>
      <dl className={styles.metrics} aria-label="Metrics">
        <MetricCard label="Net PnL" value={formatPnl(metrics.net_pnl)} tone={pnlTone(metrics.net_pnl)} />
        <MetricCard label="Gross PnL" value={formatPnl(metrics.gross_pnl)} tone={pnlTone(metrics.gross_pnl)} />
        <MetricCard label="Fees" value={formatUsd(metrics.fees)} />
        <MetricCard label="Trades" value={String(metrics.trade_count)} />
        <MetricCard label="Win rate" value={formatPercent(metrics.win_rate)} />
        <MetricCard label="Average win" value={formatPnl(metrics.average_win)} />
        <MetricCard label="Average loss" value={formatPnl(metrics.average_loss)} />
        <MetricCard label="Profit factor" value={formatNumber(metrics.profit_factor)} />
        <MetricCard label="Max drawdown" value={formatUsd(metrics.max_drawdown)} />
        <MetricCard label="Sharpe" value={formatNumber(metrics.sharpe)} />
        <MetricCard
          label="Streaks (win / loss)"
          value={`${metrics.longest_win_streak} / ${metrics.longest_loss_streak}`}
        />
        <MetricCard label="Profitable days" value={`${metrics.profitable_days} of ${metrics.trading_days}`} />
      </dl>
      <div className={styles.charts}>
        <LineChart title="Cumulative PnL" points={series.cumulative_pnl} />
        <LineChart title="Drawdown" points={series.drawdown} variant="area" />
      </div>
      <section aria-labelledby="timeline-title" className={styles.timeline}>
        <h2 id="timeline-title" className={styles.sectionTitle}>
          Timeline <span className={styles.muted}>({timeline.total.toLocaleString('en-US')} events)</span>
        </h2>
        {timeline.items.length === 0 ? (
          <p className={styles.muted}>
            No events in this range.{' '}
            <span>
              Widen the range or clear the filters, or <Link to="/dashboard">run a paper session</Link> to build a history.
            </span>
          </p>
        ) : (
          <table className="data-table card" aria-label="Timeline" tabIndex={0}>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Event</th>
                <th scope="col">Strategy</th>
                <th scope="col">Session</th>
                <th scope="col">Message</th>
                <th scope="col" className="num">
                  PnL
                </th>
              </tr>
            </thead>
            <tbody>
              {timeline.items.map((item) => (
                <tr key={item.id}>
                  <td>{formatUtc(item.time)}</td>
                  <td>{item.event}</td>
                  <td>{item.strategy_name ?? '—'}</td>
                  <td>{item.session_id === null ? '—' : <Link to={sessionPath(item.session_id)}>{item.session_id}</Link>}</td>
                  <td>{item.message}</td>
                  <td className={`num ${pnlTone(item.pnl)}`}>{item.pnl === null ? '' : formatPnl(item.pnl)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <nav className={styles.pager} aria-label="Timeline pages">
          <button
            type="button"
            className="button"
            disabled={timeline.page <= 1}
            onClick={() => onPage(timeline.page - 1)}
          >
            Previous page
          </button>
          <span>
            Page {timeline.page} of {pages}
          </span>
          <button
            type="button"
            className="button"
            disabled={timeline.page >= pages}
            onClick={() => onPage(timeline.page + 1)}
          >
            Next page
          </button>
        </nav>
      </section>
    </>
  );
}
