import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../../test/renderApp';
import { createTradingBackend, sessionEvent, sessionFill, strategyConfig, tradingSession } from '../../test/tradingBackend';
import { EVENTS_PAGE_SIZE } from './api';

function withSession(overrides: Parameters<typeof tradingSession>[0] = {}) {
  const trading = createTradingBackend();
  trading.state.sessions.push(tradingSession(overrides));
  return trading;
}

describe('Session page', () => {
  it('shows the summary, legs with greeks, PnL chart, fills, events and configuration', async () => {
    const { backend, state } = withSession({ realised_pnl: 12.5, trade_count: 1 });
    state.fills[7] = [sessionFill(4, { side: 'buy' }), sessionFill(3, { side: 'buy' }), sessionFill(2), sessionFill(1)];
    state.events[7] = [
      sessionEvent(3, { event: 'position_closed', message: 'closed on max_profit: net 12.50 USD', pnl: 12.5 }),
      sessionEvent(2, { event: 'position_opened', message: 'sold 10 x 64000 call and 56000 put' }),
      sessionEvent(1, { event: 'session_started', message: 'session started' }),
    ];
    state.pnl[7] = [
      { time: '2026-11-22T09:30:00Z', value: 0 },
      { time: '2026-11-22T11:00:00Z', value: 12.5 },
      { time: '2026-11-22T11:30:00Z', value: 11.25 },
    ];
    state.configs[7] = strategyConfig({ quantity: 10, max_loss_pct: 50 });
    renderApp(backend, { route: '/sessions/7' });

    expect(await screen.findByRole('heading', { level: 1, name: 'BTC daily · session 7' })).toBeTruthy();
    await waitFor(() => expect(document.title).toMatch(/^Session 7 · /));
    const summary = screen.getByRole('region', { name: 'Summary' });
    expect(within(summary).getByText('Paper (simulated market)')).toBeTruthy();
    expect(within(summary).getByTestId('realised-pnl').textContent).toBe('+$12.50');
    expect(within(summary).getByText('still running')).toBeTruthy();

    const legs = screen.getByRole('table', { name: 'Position of session 7' });
    expect(within(legs).getAllByRole('row')[1]?.textContent).toBe('Short call64,000$120.50$118.000.12552.0 %');
    expect(screen.getByText(/Spot \$60,125\.50 per BTC · position delta -0\.00007 BTC/)).toBeTruthy();

    expect(await screen.findByRole('img', { name: /^PnL over time \(USD\): 3 points/ })).toBeTruthy();
    const fills = await screen.findByRole('table', { name: 'Fills of session 7' });
    expect(within(fills).getAllByRole('row')).toHaveLength(5);
    const events = await screen.findByRole('table', { name: 'Events of session 7' });
    expect(within(events).getAllByRole('row')[1]?.textContent).toBe(
      '2026-11-22 09:33:00 UTCposition_closedclosed on max_profit: net 12.50 USD+$12.50',
    );
    const config = screen.getByRole('region', { name: /Strategy configuration/ });
    expect(within(config).getByText('10 contracts per leg')).toBeTruthy();
    expect(within(config).getByText('50 % of premium')).toBeTruthy();
    expect(within(config).getByText('at 40 % keep 20 %')).toBeTruthy();
  });

  it('pages through the events, newest first', async () => {
    const user = userEvent.setup();
    const { backend, state } = withSession();
    const total = EVENTS_PAGE_SIZE + 3;
    state.events[7] = Array.from({ length: total }, (_, index) => sessionEvent(total - index, { message: `event ${total - index}` }));
    renderApp(backend, { route: '/sessions/7' });

    const pager = await screen.findByRole('navigation', { name: 'Event pages' });
    expect(pager.textContent).toContain('Page 1 of 2');
    expect(within(pager).getByRole('button', { name: 'Newer' }).hasAttribute('disabled')).toBe(true);
    await user.click(within(pager).getByRole('button', { name: 'Older' }));
    await waitFor(() => expect(screen.getByRole('table', { name: 'Events of session 7' }).textContent).toContain('event 3'));
    expect(within(screen.getByRole('table', { name: 'Events of session 7' })).getAllByRole('row')).toHaveLength(4);
    const asked = backend.callsTo('GET', '/api/sessions/7/events').map((call) => call.url.searchParams.get('page'));
    expect(asked).toContain('2');
    expect(pager.textContent).toContain('Page 2 of 2');
  });

  it('pauses and panic-closes from the page, and then shows the session ended', async () => {
    const user = userEvent.setup();
    const { backend } = withSession();
    renderApp(backend, { route: '/sessions/7' });
    await screen.findByRole('heading', { level: 1, name: 'BTC daily · session 7' });

    await user.click(screen.getByRole('button', { name: 'Pause' }));
    await waitFor(() => expect(screen.getByTestId('session-status').textContent).toBe('Paused'));
    await user.click(screen.getByRole('button', { name: 'Panic close' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Panic close' }));
    await waitFor(() => expect(screen.getByTestId('session-status').textContent).toBe('Panic-closed'));
    expect(backend.callsTo('POST', '/api/sessions/7/panic')).toHaveLength(1);
    expect(screen.queryByRole('button', { name: 'Resume' })).toBeNull();
    expect(screen.getByText('The session has ended; it holds no position.')).toBeTruthy();
  });

  it('shows a viewer the session without controls', async () => {
    const trading = createTradingBackend({ role: 'viewer' });
    trading.state.sessions.push(tradingSession());
    renderApp(trading.backend, { route: '/sessions/7' });
    await screen.findByRole('heading', { level: 1, name: 'BTC daily · session 7' });
    expect(screen.queryByRole('button', { name: 'Pause' })).toBeNull();
  });

  it('says what to do when the session does not exist or the address is not a session', async () => {
    const { backend } = createTradingBackend();
    const { unmount } = renderApp(backend, { route: '/sessions/999' });
    expect((await screen.findByRole('alert')).textContent).toBe('There is no session 999.');
    expect(screen.getByRole('link', { name: 'Go to the dashboard' })).toBeTruthy();
    unmount();

    renderApp(backend, { route: '/sessions/abc' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Session not found' })).toBeTruthy();
    expect(backend.callsTo('GET', '/api/sessions/abc')).toHaveLength(0);
  });
});
