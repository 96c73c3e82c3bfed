import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../../test/renderApp';
import { createTradingBackend, strategyConfig, tradingSession } from '../../test/tradingBackend';

// jsdom applies no media query, so the bar (shown by CSS only under 760 px) is in the DOM here.
function bar() {
  return screen.findByRole('region', { name: 'Quick controls' });
}

describe('Phone action bar on the dashboard', () => {
  it('pauses, resumes and panic-closes the running session in one tap each (panic asks first)', async () => {
    const user = userEvent.setup();
    const { backend, state } = createTradingBackend();
    state.sessions.push(tradingSession());
    renderApp(backend, { route: '/dashboard' });
    const controls = await bar();
    expect(within(controls).getByText('BTC daily · session 7 · Running')).toBeTruthy();

    await user.click(within(controls).getByRole('button', { name: 'Pause' }));
    await within(controls).findByRole('button', { name: 'Resume' });
    expect(backend.callsTo('POST', '/api/sessions/7/pause')).toHaveLength(1);
    await user.click(within(controls).getByRole('button', { name: 'Resume' }));
    await within(controls).findByRole('button', { name: 'Pause' });

    await user.click(within(controls).getByRole('button', { name: 'Panic' }));
    const dialog = screen.getByRole('dialog', { name: 'Panic-close this session?' });
    expect(within(dialog).getByText('BTC daily · session 7')).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: 'Panic close' }));
    await waitFor(() => expect(state.sessions[0]?.status).toBe('panic_closed'));
    // Nothing left running: only the kill switch stays on the bar.
    await waitFor(() => expect(within(controls).queryByRole('button', { name: 'Stop' })).toBeNull());
    expect(within(controls).getByRole('button', { name: 'Kill switch' })).toBeTruthy();
  });

  it('acts on the session picked when several run', async () => {
    const user = userEvent.setup();
    const { backend, state } = createTradingBackend();
    state.sessions.push(tradingSession(), tradingSession({ id: 8, strategy_name: 'ETH daily' }));
    renderApp(backend, { route: '/dashboard' });
    const controls = await bar();

    await user.selectOptions(within(controls).getByLabelText('Session the buttons act on'), '8');
    await user.click(within(controls).getByRole('button', { name: 'Stop' }));
    const dialog = screen.getByRole('dialog', { name: 'Stop this session?' });
    expect(within(dialog).getByText('ETH daily · session 8')).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: 'Stop session' }));
    await waitFor(() => expect(backend.callsTo('POST', '/api/sessions/8/stop')).toHaveLength(1));
    expect(backend.callsTo('POST', '/api/sessions/7/stop')).toHaveLength(0);
  });

  it('trips the kill switch after the same question as its panel, then offers to re-arm it', async () => {
    const user = userEvent.setup();
    const { backend } = createTradingBackend();
    renderApp(backend, { route: '/dashboard' });
    const controls = await bar();

    await user.click(await within(controls).findByRole('button', { name: 'Kill switch' }));
    const dialog = screen.getByRole('dialog', { name: 'Trip the kill switch?' });
    await user.click(within(dialog).getByRole('button', { name: 'Trip kill switch' }));
    await within(controls).findByRole('button', { name: 'Re-arm kill switch' });
    expect(screen.getByTestId('kill-switch-state').textContent).toBe('Tripped');
  });

  it('is not there for a viewer', async () => {
    const { backend, state, addStrategy } = createTradingBackend({ role: 'viewer' });
    addStrategy(strategyConfig());
    state.sessions.push(tradingSession());
    renderApp(backend, { route: '/dashboard' });
    await screen.findByRole('article', { name: 'BTC daily · session 7' });
    expect(await screen.findByTestId('role')).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Quick controls' })).toBeNull();
  });
});
