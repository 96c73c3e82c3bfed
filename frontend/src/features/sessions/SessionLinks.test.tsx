import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { logRow } from '../../test/logRows';
import { renderApp } from '../../test/renderApp';
import { createTradingBackend, tradingSession } from '../../test/tradingBackend';

describe('links to the session page', () => {
  it('from a session in the analytics timeline', async () => {
    const user = userEvent.setup();
    const { backend, state } = createTradingBackend();
    state.sessions.push(tradingSession({ status: 'stopped', ended_at: '2026-11-22T12:00:00Z', position: null }));
    renderApp(backend, { route: '/analytics' });
    const timeline = await screen.findByRole('table', { name: 'Timeline' });

    await user.click(within(timeline).getAllByRole('link', { name: '7' })[0] as HTMLElement);
    expect(screen.getByTestId('location').textContent).toBe('/sessions/7');
    expect(await screen.findByRole('heading', { level: 1, name: 'BTC daily · session 7' })).toBeTruthy();
  });

  it('from a log row about a session', async () => {
    const user = userEvent.setup();
    const { backend, state } = createTradingBackend();
    state.sessions.push(tradingSession());
    const row = logRow(5, {
      logger: 'control_plane.sessions',
      event: 'position_opened',
      message: 'sold 10 x 64000 call',
      payload: { session_id: 7, strategy_id: 1 },
    });
    backend.on('GET', '/api/logs', () => ({ body: { items: [row], next_cursor: null } }));
    backend.on('GET', '/api/logs/:id/context', () => ({ body: { before: [], entry: row, after: [] } }));
    renderApp(backend, { route: '/logs' });

    await user.click(await screen.findByRole('button', { name: 'Show details of entry 5' }));
    await user.click(screen.getByRole('link', { name: 'Session 7' }));
    expect(screen.getByTestId('location').textContent).toBe('/sessions/7');
  });
});
