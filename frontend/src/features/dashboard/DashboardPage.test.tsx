import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { FakeSocket } from '../../test/fakeSocket';
import { renderApp, SIGNED_IN } from '../../test/renderApp';
import { createTradingBackend, strategyConfig, tradingSession, type TradingBackend } from '../../test/tradingBackend';
import { FALLBACK_POLL_MS } from './DashboardPage';

function sessionCard(name: RegExp | string) {
  return screen.findByRole('article', { name });
}

/** The server side of the socket: opens it, then answers the app's auth message as the contract says. */
function serverAccepts(backend: TradingBackend, socket: FakeSocket) {
  act(() => socket.serverOpens());
  act(() =>
    socket.serverAuthenticates(
      { type: 'snapshot', sessions: backend.state.sessions, kill_switch: backend.state.killSwitch },
      (token) => !backend.auth.isRevoked(token),
    ),
  );
}

describe('Dashboard', () => {
  it('is where sign-in lands, and shows live sessions with PnL, legs and the kill switch', async () => {
    const { backend, state } = createTradingBackend();
    state.sessions.push(tradingSession(), tradingSession({ id: 3, status: 'stopped', realised_pnl: 12.3, ended_at: '2026-11-21T17:00:00Z', position: null }));
    renderApp(backend, { route: '/' });

    const card = await sessionCard('BTC daily · session 7');
    expect(screen.getByTestId('location').textContent).toBe('/dashboard');
    expect(within(card).getByTestId('session-status').textContent).toBe('Running');
    expect(within(card).getByTestId('unrealised-pnl').textContent).toBe('−$1.25');
    const legs = within(card).getByRole('table', { name: 'Position of session 7' });
    expect(within(legs).getAllByRole('row').map((row) => row.textContent)).toEqual([
      'LegStrikeEntry $/BTCMark $/BTCDeltaIV',
      'Short call64,000$120.50$118.000.12552.0 %',
      'Short put56,000$110.20$111.00-0.11856.1 %',
    ]);
    // Units: leg prices per coin, the premium for the whole position.
    expect(within(card).getByText(/Premium collected \$2\.31 for the whole position; leg prices are USD per BTC/)).toBeTruthy();
    expect(within(card).getByText(/Spot \$60,125\.50 per BTC/)).toBeTruthy();
    const ended = screen.getByRole('region', { name: 'Recently ended' });
    expect(within(ended).getByText('+$12.30')).toBeTruthy();
    expect((await screen.findByTestId('kill-switch-state')).textContent).toBe('Armed');
  });

  it('follows the WebSocket: token in the first message, connection state, snapshot, PnL changes and fills', async () => {
    const trading = createTradingBackend();
    const { backend, state } = trading;
    state.sessions.push(tradingSession());
    const { sockets } = renderApp(backend, { route: '/dashboard' });
    const card = await sessionCard('BTC daily · session 7');

    const socket = sockets.latest();
    expect(socket.url.pathname).toBe('/ws/updates');
    expect(socket.url.protocol).toBe('ws:');
    expect(socket.url.search).toBe('');
    expect(screen.getByRole('status', { name: 'Live updates' }).textContent).toBe('Connecting…');

    act(() => socket.serverOpens());
    expect(socket.sent).toEqual([{ type: 'auth', token: SIGNED_IN.token }]);
    expect(screen.getByRole('status', { name: 'Live updates' }).textContent).toBe('Connecting…');
    serverAccepts(trading, socket);
    expect(screen.getByRole('status', { name: 'Live updates' }).textContent).toBe('Live');

    act(() =>
      socket.serverSends({
        type: 'snapshot',
        sessions: [tradingSession({ unrealised_pnl: -2 })],
        kill_switch: { ...state.killSwitch, day_pnl: -40 },
      }),
    );
    // TanStack Query tells its observers on the next tick, hence waitFor.
    await waitFor(() => expect(within(card).getByTestId('unrealised-pnl').textContent).toBe('−$2.00'));
    expect(screen.getByText('−$40.00')).toBeTruthy();

    act(() => socket.serverSends({ type: 'session', session: tradingSession({ unrealised_pnl: 3.5, realised_pnl: 1 }) }));
    await waitFor(() => expect(within(card).getByTestId('unrealised-pnl').textContent).toBe('+$3.50'));
    expect(within(card).getByTestId('realised-pnl').textContent).toBe('+$1.00');

    act(() =>
      socket.serverSends({
        type: 'fill',
        session_id: 7,
        fill: { id: 1, time: '2026-11-22T09:31:00Z', option_type: 'call', strike: 64000, side: 'sell', price: 120.5, contracts: 10, fee: 0.21 },
      }),
    );
    const fills = await within(card).findByRole('table', { name: 'Fills of session 7' });
    expect(within(fills).getAllByRole('row')[1]?.textContent).toBe('2026-11-22 09:31:00 UTCsellcall 64,000$120.5010$0.21');

    act(() => socket.serverSends({ type: 'kill_switch', kill_switch: { ...state.killSwitch, tripped: true, reason: 'loss limit' } }));
    await waitFor(() => expect(screen.getByTestId('kill-switch-state').textContent).toBe('Tripped'));
    expect(screen.getByRole('button', { name: 'Start session' }).hasAttribute('disabled')).toBe(true);
  });

  it('reconnects with backoff after the connection drops, and closes the socket on leaving', async () => {
    const user = userEvent.setup();
    const trading = createTradingBackend();
    const { sockets } = renderApp(trading.backend, { route: '/dashboard' });
    await screen.findByText('No session is running.');
    serverAccepts(trading, sockets.latest());

    act(() => sockets.latest().serverCloses(1006));
    expect(screen.getByRole('status', { name: 'Live updates' }).textContent).toBe('Reconnecting in 1 s (attempt 1)');
    await waitFor(() => expect(sockets.opened).toHaveLength(2), { timeout: 3000 });
    serverAccepts(trading, sockets.latest());
    expect(screen.getByRole('status', { name: 'Live updates' }).textContent).toBe('Live');

    await user.click(screen.getByRole('link', { name: 'Logs' }));
    expect(sockets.latest().closedByClient?.code).toBe(1000);
  });

  it('polls the REST API while the socket is down, and stops once it is live', async () => {
    const trading = createTradingBackend();
    const { backend, state } = trading;
    state.sessions.push(tradingSession());
    const { sockets } = renderApp(backend, { route: '/dashboard' });
    const card = await sessionCard('BTC daily · session 7');
    expect(backend.callsTo('GET', '/api/sessions')).toHaveLength(1);

    state.sessions[0] = tradingSession({ unrealised_pnl: 4.2 });
    await waitFor(() => expect(within(card).getByTestId('unrealised-pnl').textContent).toBe('+$4.20'), { timeout: 8000 });

    serverAccepts(trading, sockets.latest());
    const callsWhenLive = backend.callsTo('GET', '/api/sessions').length;
    await new Promise((resolve) => setTimeout(resolve, FALLBACK_POLL_MS + 500));
    expect(backend.callsTo('GET', '/api/sessions')).toHaveLength(callsWhenLive);
  });

  it('on a 4401 close renews the session once and reconnects with the new token', async () => {
    const trading = createTradingBackend();
    const { sockets } = renderApp(trading.backend, { route: '/dashboard' });
    await screen.findByText('No session is running.');
    serverAccepts(trading, sockets.latest());

    act(() => sockets.latest().serverCloses(4401, 'sign-in required'));

    await waitFor(() => expect(sockets.opened).toHaveLength(2));
    expect(trading.backend.callsTo('POST', '/api/auth/refresh')).toHaveLength(1);
    const second = sockets.latest();
    act(() => second.serverOpens());
    expect(second.authToken()).not.toBe(SIGNED_IN.token);
    expect(second.authToken()).toBe(JSON.parse(window.sessionStorage.getItem('dscp.session') ?? '{}').token);
    serverAccepts(trading, second);
    expect(screen.getByRole('status', { name: 'Live updates' }).textContent).toBe('Live');
  });

  it('returns to sign-in with a message when the session behind the socket is revoked', async () => {
    const trading = createTradingBackend();
    const { sockets } = renderApp(trading.backend, { route: '/dashboard' });
    await screen.findByText('No session is running.');
    serverAccepts(trading, sockets.latest());

    // An admin revokes the sessions: the server closes the socket, and the refresh is refused.
    trading.auth.revokeSessionsOf('admin');
    act(() => sockets.latest().serverCloses(4401, 'sign-in required'));

    expect(await screen.findByText('Your session has expired. Please sign in again.')).toBeTruthy();
    expect(screen.getByTestId('location').textContent).toBe('/login');
    expect(sockets.opened).toHaveLength(1);
  });

  it('signs out when the socket is refused again right after a renewal', async () => {
    const trading = createTradingBackend();
    const { sockets } = renderApp(trading.backend, { route: '/dashboard' });
    await screen.findByText('No session is running.');
    act(() => sockets.latest().serverCloses(4401, 'sign-in required'));
    await waitFor(() => expect(sockets.opened).toHaveLength(2));

    act(() => sockets.latest().serverCloses(4401, 'sign-in required'));

    expect(await screen.findByText('Your session has expired. Please sign in again.')).toBeTruthy();
    expect(trading.backend.callsTo('POST', '/api/auth/refresh')).toHaveLength(1);
  });

  it('starts a paper session with "enter now" for the chosen strategy', async () => {
    const user = userEvent.setup();
    const { backend, addStrategy } = createTradingBackend();
    addStrategy(strategyConfig());
    addStrategy(strategyConfig({ name: 'ETH weekly', underlying: 'ETH' }));
    renderApp(backend, { route: '/dashboard' });

    await screen.findByRole('option', { name: 'ETH weekly (ETH)' });
    await user.selectOptions(screen.getByLabelText('Strategy'), 'ETH weekly (ETH)');
    await user.click(screen.getByRole('checkbox', { name: /Enter now/ }));
    await user.click(screen.getByRole('button', { name: 'Start session' }));

    expect(await sessionCard('ETH weekly · session 7')).toBeTruthy();
    const [call] = backend.callsTo('POST', '/api/strategies/2/sessions');
    expect(call?.body).toEqual({ mode: 'paper', enter_now: true });
  });

  it('starts a live session only once its real orders are acknowledged', async () => {
    const user = userEvent.setup();
    const { backend, addStrategy, state } = createTradingBackend();
    addStrategy(strategyConfig());
    state.liveTradingEnabled = true;
    renderApp(backend, { route: '/dashboard' });

    await screen.findByRole('option', { name: 'BTC daily (BTC)' });
    await user.selectOptions(screen.getByLabelText('Mode'), 'Live on Delta Exchange');
    const start = screen.getByRole('button', { name: 'Start live session' });
    expect(start.hasAttribute('disabled')).toBe(true);
    await user.click(screen.getByRole('checkbox', { name: /real orders on Delta Exchange/ }));
    await user.click(start);

    const card = await sessionCard('BTC daily · session 7');
    expect(within(card).getByText('live')).toBeTruthy();
    const [call] = backend.callsTo('POST', '/api/strategies/1/sessions');
    expect(call?.body).toEqual({ mode: 'live', enter_now: false });
    // The form is back to paper for the next start.
    expect(screen.getByRole('button', { name: 'Start session' })).toBeTruthy();
  });

  it('shows why the server refused a live session', async () => {
    const user = userEvent.setup();
    const { backend, addStrategy } = createTradingBackend();
    addStrategy(strategyConfig());
    renderApp(backend, { route: '/dashboard' });

    await screen.findByRole('option', { name: 'BTC daily (BTC)' });
    await user.selectOptions(screen.getByLabelText('Mode'), 'Live on Delta Exchange');
    await user.click(screen.getByRole('checkbox', { name: /real orders on Delta Exchange/ }));
    await user.click(screen.getByRole('button', { name: 'Start live session' }));

    expect((await screen.findByRole('alert')).textContent).toMatch(
      /^Could not start the session: live trading is off on this deployment \(LIVE_TRADING_ENABLED=false\)/,
    );
  });

  it('says why a start was refused', async () => {
    const user = userEvent.setup();
    const { backend, addStrategy, state } = createTradingBackend();
    addStrategy(strategyConfig());
    state.sessions.push(tradingSession());
    renderApp(backend, { route: '/dashboard' });

    await screen.findByRole('option', { name: 'BTC daily (BTC)' });
    await user.click(screen.getByRole('button', { name: 'Start session' }));

    expect((await screen.findByRole('alert')).textContent).toMatch(
      /^Could not start the session: the strategy already has a running session \(request ui-/,
    );
  });

  it('pauses and resumes, and stops only after confirming', async () => {
    const user = userEvent.setup();
    const { backend, state } = createTradingBackend();
    state.sessions.push(tradingSession());
    renderApp(backend, { route: '/dashboard' });
    const card = await sessionCard('BTC daily · session 7');

    await user.click(within(card).getByRole('button', { name: 'Pause' }));
    expect(await within(card).findByRole('button', { name: 'Resume' })).toBeTruthy();
    expect(within(card).getByTestId('session-status').textContent).toBe('Paused');
    await user.click(within(card).getByRole('button', { name: 'Resume' }));
    await within(card).findByRole('button', { name: 'Pause' });

    await user.click(within(card).getByRole('button', { name: 'Stop' }));
    const dialog = screen.getByRole('dialog', { name: 'Stop this session?' });
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(backend.callsTo('POST', '/api/sessions/7/stop')).toHaveLength(0);

    await user.click(within(card).getByRole('button', { name: 'Stop' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Stop session' }));

    await waitFor(() => expect(screen.queryByRole('article')).toBeNull());
    expect(backend.callsTo('POST', '/api/sessions/7/stop')).toHaveLength(1);
    const ended = screen.getByRole('region', { name: 'Recently ended' });
    expect(within(ended).getByText('Stopped')).toBeTruthy();
  });

  it('panic-closes after confirming', async () => {
    const user = userEvent.setup();
    const { backend, state } = createTradingBackend();
    state.sessions.push(tradingSession());
    renderApp(backend, { route: '/dashboard' });
    const card = await sessionCard('BTC daily · session 7');

    await user.click(within(card).getByRole('button', { name: 'Panic close' }));
    const dialog = screen.getByRole('dialog', { name: 'Panic-close this session?' });
    await user.click(within(dialog).getByRole('button', { name: 'Panic close' }));

    const ended = await screen.findByRole('region', { name: 'Recently ended' });
    expect(within(ended).getByText('Panic-closed')).toBeTruthy();
    expect(state.sessions[0]?.status).toBe('panic_closed');
  });

  it('trips the kill switch with a reason and re-arms it (admin)', async () => {
    const user = userEvent.setup();
    const { backend, state } = createTradingBackend();
    state.sessions.push(tradingSession());
    renderApp(backend, { route: '/dashboard' });
    await sessionCard('BTC daily · session 7');

    await user.click(await screen.findByRole('button', { name: 'Trip kill switch' }));
    const dialog = screen.getByRole('dialog', { name: 'Trip the kill switch?' });
    await user.type(within(dialog).getByLabelText('Reason'), 'market halt');
    await user.click(within(dialog).getByRole('button', { name: 'Trip kill switch' }));

    await waitFor(() => expect(screen.getByTestId('kill-switch-state').textContent).toBe('Tripped'));
    expect(backend.callsTo('POST', '/api/kill-switch/trip')[0]?.body).toEqual({ reason: 'market halt' });
    expect(screen.getByText(/market halt/)).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('article')).toBeNull());

    await user.click(screen.getByRole('button', { name: 'Re-arm' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Re-arm' }));
    await waitFor(() => expect(screen.getByTestId('kill-switch-state').textContent).toBe('Armed'));
  });

  it('shows a viewer no control buttons', async () => {
    const { backend, state, addStrategy } = createTradingBackend({ role: 'viewer' });
    addStrategy(strategyConfig());
    state.sessions.push(tradingSession());
    renderApp(backend, { route: '/dashboard' });

    const card = await sessionCard('BTC daily · session 7');
    expect(await screen.findByTestId('role')).toBeTruthy();
    expect(screen.getByTestId('role').textContent).toBe('viewer');
    expect(within(card).queryAllByRole('button')).toEqual([]);
    expect(screen.queryByRole('button', { name: 'Start session' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Trip kill switch' })).toBeNull();
    expect(screen.getByTestId('kill-switch-state').textContent).toBe('Armed');
  });
});
