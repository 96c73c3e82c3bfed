/**
 * The fake backend speaking the app's API (its types generated from the OpenAPI schema) for component tests:
 * auth/me with a role, strategies, sessions, the kill switch and analytics, kept in memory.
 * Viewers get 403 on every mutating route, as the real API answers. The signed-in user of
 * renderApp's default session is "admin" with the given role; ADMIN_PASSWORD signs it in.
 */
import type { Schemas } from '../api/schema';
import { PRESETS, type AnalyticsHistory, type Preset, type TimelineItem } from '../features/analytics/types';
import type { KillSwitch, TradingSession } from '../features/dashboard/types';
import type { PnlPoint, SessionEvent, SessionFill } from '../features/sessions/types';
import type { Strategy, StrategyConfig } from '../features/strategies/types';
import { installAuthBackend } from './authBackend';
import { createFakeBackend, type RecordedCall } from './fakeBackend';
import { SIGNED_IN } from './signedIn';

const NOW = '2026-11-22T09:30:00Z';

export function strategyConfig(overrides: Partial<StrategyConfig> = {}): StrategyConfig {
  return {
    name: 'BTC daily',
    underlying: 'BTC',
    expiry_rule: 'nearest_daily',
    strike_selection: { kind: 'delta', low: 0.1, high: 0.15 },
    quantity: 10,
    entry_time: '09:30:00',
    exit_time: '17:00:00',
    timezone: 'Asia/Kolkata',
    max_loss_pct: 50,
    max_profit_pct: 80,
    trailing_stops: [{ trigger_pct: 40, lock_pct: 20 }],
    active: false,
    ...overrides,
  };
}

export function tradingSession(overrides: Partial<TradingSession> = {}): TradingSession {
  return {
    id: 7,
    strategy_id: 1,
    strategy_name: 'BTC daily',
    mode: 'paper',
    status: 'running',
    started_at: NOW,
    ended_at: null,
    status_reason: null,
    realised_pnl: 0,
    unrealised_pnl: -1.25,
    fees: 0.42,
    trade_count: 0,
    underlying: 'BTC',
    spot: 60125.5,
    position: {
      opened_at: NOW,
      expiry: '2026-11-23T12:00:00Z',
      exit_deadline: '2026-11-22T11:30:00Z',
      contracts: 10,
      contract_size: 0.001,
      legs: [
        { option_type: 'call', strike: 64000, entry_price: 120.5, entry_delta: 0.13, mark_price: 118, delta: 0.125, iv: 0.52 },
        { option_type: 'put', strike: 56000, entry_price: 110.2, entry_delta: -0.12, mark_price: 111, delta: -0.118, iv: 0.561 },
      ],
      premium_collected: 2.31,
      unrealised_pnl: -1.25,
      net_delta: -0.00007,
    },
    next_entry_at: '2026-11-23T04:00:00Z',
    next_exit_at: '2026-11-22T11:30:00Z',
    updated_at: NOW,
    ...overrides,
  };
}

export function sessionFill(id: number, overrides: Partial<SessionFill> = {}): SessionFill {
  return {
    id,
    time: new Date(Date.UTC(2026, 10, 22, 9, 30) + id * 60_000).toISOString().replace('.000Z', 'Z'),
    option_type: id % 2 === 0 ? 'put' : 'call',
    strike: id % 2 === 0 ? 56000 : 64000,
    side: 'sell',
    price: 120.5,
    contracts: 10,
    fee: 0.21,
    ...overrides,
  };
}

export function sessionEvent(id: number, overrides: Partial<SessionEvent> = {}): SessionEvent {
  return {
    id,
    time: new Date(Date.UTC(2026, 10, 22, 9, 30) + id * 60_000).toISOString().replace('.000Z', 'Z'),
    event: 'position_opened',
    session_id: 7,
    strategy_id: 1,
    message: `event ${id}`,
    details: {},
    pnl: null,
    ...overrides,
  };
}

export function timelineItem(id: number, overrides: Partial<TimelineItem> = {}): TimelineItem {
  return {
    id,
    time: new Date(Date.UTC(2026, 10, 1) + id * 3_600_000).toISOString().replace('.000Z', 'Z'),
    event: 'position_closed',
    session_id: 7,
    strategy_id: 1,
    strategy_name: 'BTC daily',
    message: `closed trade ${id}`,
    pnl: id % 3 === 0 ? -4 : 6.5,
    ...overrides,
  };
}

export const EXPORT_FILENAME = 'analytics-export-20261122-093000.csv';

const MUTATING = ['POST', 'PUT', 'PATCH', 'DELETE'];
export const ADMIN_PASSWORD = 'admin-password-1';

export function createTradingBackend({ role = 'admin' as 'admin' | 'viewer', timelineTotal = 120 } = {}) {
  const backend = createFakeBackend();
  const auth = installAuthBackend(backend);
  auth.addUser(SIGNED_IN.username, ADMIN_PASSWORD, role);
  auth.openSession(SIGNED_IN.username, SIGNED_IN);
  const state = {
    strategies: [] as Strategy[],
    sessions: [] as TradingSession[],
    killSwitch: { tripped: false, tripped_at: null, reason: null, daily_loss_limit: 500, day_pnl: -12.5 } as KillSwitch,
    // Newest first, as the API serves them; by session id.
    fills: {} as Record<number, SessionFill[]>,
    events: {} as Record<number, SessionEvent[]>,
    pnl: {} as Record<number, PnlPoint[]>,
    configs: {} as Record<number, StrategyConfig>,
    nextStrategyId: 1,
    nextSessionId: 7,
    // Off by default, as on a deployment without LIVE_TRADING_ENABLED.
    liveTradingEnabled: false,
  };

  const forbidden = (call: RecordedCall) =>
    auth.roleOf(call) !== 'admin' && MUTATING.includes(call.method) ? { status: 403, body: { detail: 'admin role required' } } : null;
  const guarded = (handler: (call: RecordedCall) => { status?: number; body?: unknown }) => (call: RecordedCall) =>
    forbidden(call) ?? handler(call);

  const addStrategy = (config: StrategyConfig): Strategy => {
    const strategy = { ...config, id: state.nextStrategyId++, created_at: NOW, updated_at: NOW };
    state.strategies.push(strategy);
    return strategy;
  };
  const nameTaken = (name: string, exceptId?: number) =>
    state.strategies.some((item) => item.id !== exceptId && item.name.toLowerCase() === name.toLowerCase());

  backend.on('GET', '/api/logs', () => ({ body: { items: [], next_cursor: null } }));
  backend.on('GET', '/api/logs/facets', () => ({ body: { levels: [], events: [] } }));

  backend.on('GET', '/api/strategies', () => ({ body: state.strategies }));
  backend.on(
    'POST',
    '/api/strategies',
    guarded(({ body }) => {
      const config = body as StrategyConfig;
      if (nameTaken(config.name)) return { status: 409, body: { detail: `a strategy named '${config.name}' already exists` } };
      return { status: 201, body: addStrategy(config) };
    }),
  );
  backend.on(
    'PUT',
    '/api/strategies/:id',
    guarded(({ body, params }) => {
      const index = state.strategies.findIndex((item) => item.id === Number(params.id));
      const current = state.strategies[index];
      if (!current) return { status: 404, body: { detail: `strategy ${params.id} not found` } };
      const config = body as StrategyConfig;
      if (nameTaken(config.name, current.id)) return { status: 409, body: { detail: `a strategy named '${config.name}' already exists` } };
      const updated = { ...current, ...config };
      state.strategies[index] = updated;
      return { body: updated };
    }),
  );
  backend.on(
    'DELETE',
    '/api/strategies/:id',
    guarded(({ params }) => {
      state.strategies = state.strategies.filter((item) => item.id !== Number(params.id));
      return { status: 204 };
    }),
  );

  backend.on('GET', '/api/sessions', () => ({ body: [...state.sessions].sort((a, b) => b.id - a.id) }));
  backend.on(
    'POST',
    '/api/strategies/:id/sessions',
    guarded(({ params, body }) => {
      const strategy = state.strategies.find((item) => item.id === Number(params.id));
      if (!strategy) return { status: 404, body: { detail: `strategy ${params.id} not found` } };
      if (state.killSwitch.tripped) return { status: 409, body: { detail: 'the kill switch is tripped' } };
      if (state.sessions.some((item) => item.strategy_id === strategy.id && ['running', 'paused'].includes(item.status))) {
        return { status: 409, body: { detail: 'the strategy already has a running session' } };
      }
      const { enter_now: enterNow = false, mode = 'paper' } = body as Partial<Schemas['StartSession']>;
      if (mode === 'live' && !state.liveTradingEnabled) {
        return { status: 409, body: { detail: 'live trading is off on this deployment (LIVE_TRADING_ENABLED=false)' } };
      }
      const session = tradingSession({
        mode,
        id: state.nextSessionId++,
        strategy_id: strategy.id,
        strategy_name: strategy.name,
        unrealised_pnl: 0,
        fees: 0,
        position: null,
        status_reason: enterNow === true ? 'entering now' : null,
      });
      state.sessions.push(session);
      return { status: 201, body: session };
    }),
  );
  const transitions: Record<string, { from: string[]; to: TradingSession['status'] }> = {
    pause: { from: ['running'], to: 'paused' },
    resume: { from: ['paused'], to: 'running' },
    stop: { from: ['running', 'paused'], to: 'stopped' },
    panic: { from: ['running', 'paused'], to: 'panic_closed' },
  };
  for (const [action, rule] of Object.entries(transitions)) {
    backend.on(
      'POST',
      `/api/sessions/:id/${action}`,
      guarded(({ params }) => {
        const index = state.sessions.findIndex((item) => item.id === Number(params.id));
        const current = state.sessions[index];
        if (!current) return { status: 404, body: { detail: 'session not found' } };
        if (!rule.from.includes(current.status)) {
          return { status: 409, body: { detail: `cannot ${action} a ${current.status} session` } };
        }
        const ended = rule.to === 'stopped' || rule.to === 'panic_closed';
        const updated: TradingSession = {
          ...current,
          status: rule.to,
          ended_at: ended ? NOW : null,
          position: ended ? null : current.position,
          realised_pnl: ended ? current.realised_pnl + current.unrealised_pnl : current.realised_pnl,
          unrealised_pnl: ended ? 0 : current.unrealised_pnl,
        };
        state.sessions[index] = updated;
        return { body: updated };
      }),
    );
  }

  const paged = <T,>(items: readonly T[], url: URL) => {
    const page = Number(url.searchParams.get('page') ?? '1');
    const pageSize = Number(url.searchParams.get('page_size') ?? '50');
    const start = (page - 1) * pageSize;
    return { items: items.slice(start, start + pageSize), page, page_size: pageSize, total: items.length };
  };
  const sessionRoute = (handler: (session: TradingSession, url: URL) => unknown) => ({ params, url }: RecordedCall) => {
    const session = state.sessions.find((item) => item.id === Number(params.id));
    if (!session) return { status: 404, body: { detail: `session ${params.id} not found` } };
    return { body: handler(session, url) };
  };
  backend.on(
    'GET',
    '/api/sessions/:id',
    sessionRoute((session) => ({ ...session, config: state.configs[session.id] ?? strategyConfig({ name: session.strategy_name }) })),
  );
  backend.on('GET', '/api/sessions/:id/fills', sessionRoute((session, url) => paged(state.fills[session.id] ?? [], url)));
  backend.on('GET', '/api/sessions/:id/events', sessionRoute((session, url) => paged(state.events[session.id] ?? [], url)));
  backend.on(
    'GET',
    '/api/sessions/:id/pnl',
    sessionRoute((session) => state.pnl[session.id] ?? [{ time: session.started_at, value: 0 }]),
  );

  backend.on('GET', '/api/kill-switch', () => ({ body: state.killSwitch }));
  backend.on(
    'POST',
    '/api/kill-switch/trip',
    guarded(({ body }) => {
      state.killSwitch = { ...state.killSwitch, tripped: true, tripped_at: NOW, reason: (body as Schemas['TripRequest']).reason };
      state.sessions = state.sessions.map((item) =>
        ['running', 'paused'].includes(item.status) ? { ...item, status: 'panic_closed', ended_at: NOW, position: null } : item,
      );
      return { body: state.killSwitch };
    }),
  );
  backend.on(
    'POST',
    '/api/kill-switch/rearm',
    guarded(() => {
      state.killSwitch = { ...state.killSwitch, tripped: false, tripped_at: null, reason: null };
      return { body: state.killSwitch };
    }),
  );

  backend.on('GET', '/api/analytics/history', ({ url }) => {
    const query = url.searchParams;
    const preset = (query.get('preset') ?? '30d') as Preset;
    if (!PRESETS.includes(preset)) {
      return { status: 422, body: { detail: [{ loc: ['query', 'preset'], msg: 'bad preset', type: 'value_error' }] } };
    }
    const page = Number(query.get('page') ?? 1);
    const pageSize = Number(query.get('page_size') ?? 50);
    const first = (page - 1) * pageSize + 1;
    const items: TimelineItem[] = [];
    for (let id = first; id <= Math.min(timelineTotal, first + pageSize - 1); id += 1) items.push(timelineItem(id));
    const history: AnalyticsHistory = {
      filters: {
        start: query.get('start') ? `${query.get('start')}T00:00:00Z` : '2026-10-23T09:30:00Z',
        end: query.get('end') ? `${query.get('end')}T00:00:00Z` : NOW,
        preset,
        strategy_id: query.get('strategy_id') ? Number(query.get('strategy_id')) : null,
      },
      metrics: {
        net_pnl: 152.25,
        gross_pnl: 160,
        fees: 7.75,
        trade_count: timelineTotal,
        win_rate: 0.625,
        average_win: 6.5,
        average_loss: -4,
        profit_factor: 2.1,
        max_drawdown: 18.5,
        longest_win_streak: 5,
        longest_loss_streak: 2,
        profitable_days: 12,
        trading_days: 20,
        sharpe: 1.8,
      },
      series: {
        cumulative_pnl: [
          { time: '2026-11-01T12:00:00Z', value: 6.5 },
          { time: '2026-11-02T12:00:00Z', value: 2.5 },
          { time: '2026-11-03T12:00:00Z', value: 152.25 },
        ],
        drawdown: [
          { time: '2026-11-01T12:00:00Z', value: 0 },
          { time: '2026-11-02T12:00:00Z', value: -4 },
          { time: '2026-11-03T12:00:00Z', value: 0 },
        ],
      },
      timeline: { items, page, page_size: pageSize, total: timelineTotal },
    };
    return { body: history };
  });

  backend.on('GET', '/api/analytics/export', ({ url }) => {
    if (url.searchParams.get('format') !== 'csv') {
      return { status: 422, body: { detail: [{ loc: ['query', 'format'], msg: "Input should be 'csv'", type: 'literal_error' }] } };
    }
    return {
      text: '# metadata\nkey,value\npreset,30d\n# metrics\nname,value\nnet_pnl,152.25\n# timeline\nid,time,event\n1,2026-11-01T01:00:00Z,position_closed\n',
      headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${EXPORT_FILENAME}"` },
    };
  });

  return { backend, auth, state, addStrategy };
}

export type TradingBackend = ReturnType<typeof createTradingBackend>;
