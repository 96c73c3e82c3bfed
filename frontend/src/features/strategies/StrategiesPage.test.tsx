import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../../test/renderApp';
import { createTradingBackend, strategyConfig } from '../../test/tradingBackend';

function form() {
  return screen.getByRole('form', { name: /strategy|Edit/ });
}

describe('Strategies', () => {
  it('lists the saved configurations', async () => {
    const { backend, addStrategy } = createTradingBackend();
    addStrategy(strategyConfig());
    addStrategy(strategyConfig({ name: 'ETH premium', underlying: 'ETH', strike_selection: { kind: 'premium', low: 20, high: 40 }, active: true }));
    renderApp(backend, { route: '/strategies' });

    const table = await screen.findByRole('table', { name: 'Strategies' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((row) => within(row).getAllByRole('cell').slice(0, 8).map((cell) => cell.textContent))).toEqual([
      ['BTC daily', 'BTC', 'Nearest daily', 'Δ 0.1–0.15', '10', '09:30–17:00 Asia/Kolkata', 'stop 50 %, take 80 %, 1 trailing', 'No'],
      ['ETH premium', 'ETH', 'Nearest daily', '$20–$40 premium', '10', '09:30–17:00 Asia/Kolkata', 'stop 50 %, take 80 %, 1 trailing', 'Yes'],
    ]);
  });

  it('shows client-side errors next to the fields and sends nothing until they are fixed', async () => {
    const user = userEvent.setup();
    const { backend, state } = createTradingBackend();
    renderApp(backend, { route: '/strategies' });

    await user.click(await screen.findByRole('button', { name: 'New strategy' }));
    await user.clear(screen.getByLabelText('Delta high'));
    await user.type(screen.getByLabelText('Delta high'), '0.05');
    await user.clear(screen.getByLabelText('Take profit (% of premium)'));
    await user.type(screen.getByLabelText('Take profit (% of premium)'), '120');
    await user.click(screen.getByRole('button', { name: 'Create strategy' }));

    const name = screen.getByLabelText('Name');
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(name.getAttribute('aria-describedby') ?? '')?.textContent).toBe('name must not be blank');
    expect(screen.getByText('delta band low must be less than high')).toBeTruthy();
    expect(screen.getByText('must be at most 100')).toBeTruthy();
    expect(backend.callsTo('POST', '/api/strategies')).toHaveLength(0);

    await user.type(name, 'BTC daily');
    expect(screen.queryByText('name must not be blank')).toBeNull();
    await user.clear(screen.getByLabelText('Delta high'));
    await user.type(screen.getByLabelText('Delta high'), '0.2');
    await user.clear(screen.getByLabelText('Take profit (% of premium)'));
    await user.type(screen.getByLabelText('Take profit (% of premium)'), '80');
    await user.click(screen.getByRole('button', { name: 'Add trailing stop' }));
    await user.type(screen.getByLabelText('Trigger % (rule 1)'), '40');
    await user.type(screen.getByLabelText('Lock % (rule 1)'), '20');
    await user.click(screen.getByRole('button', { name: 'Create strategy' }));

    const table = await screen.findByRole('table', { name: 'Strategies' });
    expect(within(table).getByText('BTC daily')).toBeTruthy();
    expect(screen.queryByRole('form')).toBeNull();
    expect(state.strategies[0]).toMatchObject({
      name: 'BTC daily',
      strike_selection: { kind: 'delta', low: 0.1, high: 0.2 },
      trailing_stops: [{ trigger_pct: 40, lock_pct: 20 }],
    });
  }, 20_000);

  it("shows the API's 422 messages next to the fields, and a 409 on the name", async () => {
    const user = userEvent.setup();
    const { backend, addStrategy } = createTradingBackend();
    addStrategy(strategyConfig());
    renderApp(backend, { route: '/strategies' });
    await screen.findByRole('table', { name: 'Strategies' });

    await user.click(screen.getByRole('button', { name: 'New strategy' }));
    await user.type(screen.getByLabelText('Name'), 'btc DAILY');
    await user.click(screen.getByRole('button', { name: 'Create strategy' }));
    expect(await screen.findByText("a strategy named 'btc DAILY' already exists")).toBeTruthy();
    expect(screen.getByLabelText('Name').getAttribute('aria-invalid')).toBe('true');

    backend.on('POST', '/api/strategies', () => ({
      status: 422,
      body: {
        detail: [
          { loc: ['body', 'timezone'], msg: "Value error, unknown IANA time zone 'UTC'", type: 'value_error' },
          { loc: ['body', 'strike_selection', 'delta', 'low'], msg: 'Input should be greater than 0', type: 'greater_than' },
          { loc: ['body'], msg: 'Value error, something about the whole', type: 'value_error' },
        ],
      },
    }));
    await user.clear(screen.getByLabelText('Name'));
    await user.type(screen.getByLabelText('Name'), 'Another');
    await user.click(screen.getByRole('button', { name: 'Create strategy' }));

    const zone = screen.getByLabelText('Time zone (IANA)');
    await waitFor(() => expect(zone.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(zone.getAttribute('aria-describedby') ?? '')?.textContent).toBe("unknown IANA time zone 'UTC'");
    expect(screen.getByText('Input should be greater than 0')).toBeTruthy();
    expect(within(form()).getByRole('alert').textContent).toBe('something about the whole');
  }, 20_000);

  it('edits a strategy with a full replacement', async () => {
    const user = userEvent.setup();
    const { backend, addStrategy, state } = createTradingBackend();
    addStrategy(strategyConfig());
    renderApp(backend, { route: '/strategies' });

    await user.click(await screen.findByRole('button', { name: 'Edit BTC daily' }));
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('BTC daily');
    expect((screen.getByLabelText('Entry time') as HTMLInputElement).value).toBe('09:30');
    await user.clear(screen.getByLabelText('Quantity (contracts per leg)'));
    await user.type(screen.getByLabelText('Quantity (contracts per leg)'), '25');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));

    await waitFor(() => expect(screen.queryByRole('form')).toBeNull());
    const [call] = backend.callsTo('PUT', '/api/strategies/1');
    expect(call?.body).toMatchObject({ name: 'BTC daily', quantity: 25, timezone: 'Asia/Kolkata', entry_time: '09:30' });
    expect(state.strategies[0]?.quantity).toBe(25);
  });

  it('deletes only after confirming', async () => {
    const user = userEvent.setup();
    const { backend, addStrategy, state } = createTradingBackend();
    addStrategy(strategyConfig());
    renderApp(backend, { route: '/strategies' });

    await user.click(await screen.findByRole('button', { name: 'Delete BTC daily' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Delete BTC daily?' })).getByRole('button', { name: 'Cancel' }));
    expect(backend.callsTo('DELETE', '/api/strategies/1')).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Delete BTC daily' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete strategy' }));

    expect(await screen.findByText('No strategies yet.')).toBeTruthy();
    expect(state.strategies).toEqual([]);
    expect(screen.getByText(/^Create one with New strategy: .* then start a paper session of it from the dashboard\.$/)).toBeTruthy();
  });

  it('offers a viewer no create, edit or delete', async () => {
    const { backend, addStrategy } = createTradingBackend({ role: 'viewer' });
    addStrategy(strategyConfig());
    renderApp(backend, { route: '/strategies' });

    await screen.findByRole('table', { name: 'Strategies' });
    await screen.findByTestId('role');
    expect(screen.queryByRole('button', { name: 'New strategy' })).toBeNull();
    expect(screen.queryByRole('button', { name: /^(Edit|Delete) / })).toBeNull();
  });
});
