import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../../test/renderApp';
import { createTradingBackend, sessionFill, tradingSession } from '../../test/tradingBackend';

const HOUR_MS = 3_600_000;

function isoIn(ms: number): string {
  return new Date(Date.now() + ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

describe('Dashboard session card', () => {
  it('reads its fills from the API (a reload keeps them) and keeps a fill the socket repeats once', async () => {
    const { backend, state } = createTradingBackend();
    state.sessions.push(tradingSession());
    state.fills[7] = [sessionFill(2, { side: 'sell', option_type: 'put' }), sessionFill(1)];
    const { sockets } = renderApp(backend, { route: '/dashboard' });
    const card = await screen.findByRole('article', { name: 'BTC daily · session 7' });

    const fills = await within(card).findByRole('table', { name: 'Fills of session 7' });
    expect(within(fills).getAllByRole('row')).toHaveLength(3);
    expect(backend.callsTo('GET', '/api/sessions/7/fills')).toHaveLength(1);

    const socket = sockets.latest();
    act(() => socket.serverOpens());
    act(() => socket.serverAuthenticates({ type: 'snapshot', sessions: state.sessions, kill_switch: state.killSwitch }, () => true));
    const repeated = state.fills[7]?.[0];
    act(() => socket.serverSends({ type: 'fill', session_id: 7, fill: repeated }));
    act(() => socket.serverSends({ type: 'fill', session_id: 7, fill: sessionFill(3, { side: 'buy' }) }));
    await waitFor(() => expect(within(fills).getAllByRole('row')).toHaveLength(4));
    expect(within(fills).getAllByRole('row')[1]?.textContent).toContain('buy');
  });

  it('says when a flat session will next enter and exit, with the spot', async () => {
    const { backend, state } = createTradingBackend();
    const entry = isoIn(2 * HOUR_MS + 5 * 60_000);
    const exit = isoIn(9 * HOUR_MS);
    state.sessions.push(tradingSession({ position: null, unrealised_pnl: 0, next_entry_at: entry, next_exit_at: exit, spot: 3012.5, underlying: 'ETH' }));
    renderApp(backend, { route: '/dashboard' });
    const card = await screen.findByRole('article', { name: 'BTC daily · session 7' });

    const schedule = within(card).getByTestId('session-schedule');
    expect(schedule.textContent).toContain(`Flat: no open position. Next entry ${entry.replace('T', ' ').replace('Z', '')} UTC (in 2 h)`);
    expect(schedule.textContent).toContain(`exit by ${exit.replace('T', ' ').replace('Z', '')} UTC.`);
    expect(schedule.textContent).toContain('Spot $3,012.50 per ETH');
  });

  it('says a session that may enter now does so at the next tick, and a paused one waits', async () => {
    const { backend, state } = createTradingBackend();
    state.sessions.push(
      tradingSession({ position: null, next_entry_at: isoIn(0), next_exit_at: isoIn(HOUR_MS) }),
      tradingSession({ id: 8, strategy_name: 'ETH daily', status: 'paused', position: null, next_entry_at: null, next_exit_at: null }),
    );
    renderApp(backend, { route: '/dashboard' });
    const running = await screen.findByRole('article', { name: 'BTC daily · session 7' });
    expect(within(running).getByTestId('session-schedule').textContent).toContain('Next entry at the next tick');
    const paused = screen.getByRole('article', { name: 'ETH daily · session 8' });
    expect(within(paused).getByTestId('session-schedule').textContent).toContain('Paused: it enters nothing until resumed.');
  });

  it('links to the session page from its title and from the recently ended list', async () => {
    const user = userEvent.setup();
    const { backend, state } = createTradingBackend();
    state.sessions.push(tradingSession(), tradingSession({ id: 3, status: 'stopped', ended_at: '2026-11-21T17:00:00Z', position: null }));
    renderApp(backend, { route: '/dashboard' });
    const card = await screen.findByRole('article', { name: 'BTC daily · session 7' });
    expect(within(screen.getByRole('region', { name: 'Recently ended' })).getByRole('link', { name: '3' }).getAttribute('href')).toBe(
      '/sessions/3',
    );

    await user.click(within(card).getByRole('link', { name: 'BTC daily · session 7' }));
    expect(screen.getByTestId('location').textContent).toBe('/sessions/7');
    expect(await screen.findByRole('heading', { level: 1, name: 'BTC daily · session 7' })).toBeTruthy();
  });
});
