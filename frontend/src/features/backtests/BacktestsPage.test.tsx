import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { BACKTEST_FILENAME, installBacktestBackend } from '../../test/backtestBackend';
import { renderApp, SIGNED_IN } from '../../test/renderApp';
import { createTradingBackend, strategyConfig } from '../../test/tradingBackend';

function setUp(role: 'admin' | 'viewer' = 'admin', withStrategy = true) {
  const trading = createTradingBackend({ role });
  if (withStrategy) trading.addStrategy(strategyConfig());
  installBacktestBackend(trading.backend, () => trading.state.strategies.map((item) => item.id));
  return trading;
}

async function fillRange(user: ReturnType<typeof userEvent.setup>, start: string, end: string) {
  await screen.findByRole('option', { name: 'BTC daily' });
  await user.clear(screen.getByLabelText('From (UTC day)'));
  await user.type(screen.getByLabelText('From (UTC day)'), start);
  await user.clear(screen.getByLabelText('To (UTC day, included)'));
  await user.type(screen.getByLabelText('To (UTC day, included)'), end);
}

function metricRow(label: string): string[] {
  const row = within(screen.getByRole('table', { name: 'Metrics' })).getByRole('row', { name: new RegExp(`^${label}`) });
  return within(row).getAllByRole('cell').map((cell) => cell.textContent ?? '');
}

describe('Backtests', () => {
  it('says to create a strategy first when there is none, under its own title', async () => {
    const { backend } = setUp('admin', false);
    renderApp(backend, { route: '/backtests' });

    await screen.findByRole('heading', { name: 'No strategy to backtest yet' });
    expect(screen.getByRole('link', { name: 'Create one on the Strategies screen' }).getAttribute('href')).toBe('/strategies');
    expect(screen.queryByRole('form', { name: 'Backtest' })).toBeNull();
    await waitFor(() => expect(document.title).toMatch(/^Backtests · /));
  });

  it('runs the chosen strategy over whole days and shows its figures beside the history of the same days', async () => {
    const user = userEvent.setup();
    const { backend } = setUp();
    renderApp(backend, { route: '/backtests' });
    await fillRange(user, '2026-11-16', '2026-11-22');
    await user.click(screen.getByRole('button', { name: 'Run backtest' }));

    await screen.findByRole('table', { name: 'Metrics' });
    expect(backend.callsTo('POST', '/api/strategies/1/backtest')[0]?.body).toEqual({
      start: '2026-11-16T00:00:00Z',
      end: '2026-11-23T00:00:00Z',
      seed: 0,
    });
    await waitFor(() => expect(metricRow('Trades')).toEqual(['2', '120']));
    expect(metricRow('Net PnL')).toEqual(['+$25.25', '+$152.25']);
    expect(metricRow('Average trade')).toEqual(['+$12.63', '—']);
    expect(metricRow('Largest loss')).toEqual(['−$15.25', '—']);
    expect(metricRow('Win rate')).toEqual(['50.0 %', '62.5 %']);
    expect(screen.getByRole('img', { name: /^Backtest equity curve: 2 points from 2026-11-16 to 2026-11-17, last \+\$25\.25/ })).toBeTruthy();
    expect(screen.getByRole('img', { name: /^Paper\/live history: 3 points/ })).toBeTruthy();
    expect(screen.getByTestId('backtest-summary').textContent).toMatch(/still open at the end/);
    const trades = within(screen.getByRole('table', { name: 'Backtest trades' })).getAllByRole('row');
    expect(trades).toHaveLength(3);
    expect(trades[2]?.textContent).toMatch(/Stop loss.*98,000 \/ 91,000.*−\$15\.25/);
    const history = backend.callsTo('GET', '/api/analytics/history')[0]?.url.searchParams;
    expect(Object.fromEntries(history ?? [])).toMatchObject({ start: '2026-11-16', end: '2026-11-22', strategy_id: '1' });
    expect(screen.getByRole('link', { name: 'Open them in Analytics' }).getAttribute('href')).toBe(
      '/analytics?preset=all&start=2026-11-16&end=2026-11-22&strategy_id=1',
    );
  });

  it("shows the API's refusal of the range under the To field", async () => {
    const user = userEvent.setup();
    const { backend } = setUp();
    renderApp(backend, { route: '/backtests' });
    await fillRange(user, '2026-11-01', '2026-12-20');
    await user.click(screen.getByRole('button', { name: 'Run backtest' }));

    const to = screen.getByLabelText('To (UTC day, included)');
    await waitFor(() => expect(to.getAttribute('aria-invalid')).toBe('true'));
    const message = document.getElementById(to.getAttribute('aria-describedby') ?? '');
    expect(message?.textContent).toBe('a backtest covers at most 31 days; this range covers 50');
    expect(screen.queryByRole('table', { name: 'Metrics' })).toBeNull();

    await fillRange(user, '2026-11-20', '2026-11-01');
    await user.click(screen.getByRole('button', { name: 'Run backtest' }));
    await screen.findByText('end must be after start');
  });

  it('asks for a missing day before sending anything', async () => {
    const user = userEvent.setup();
    const { backend } = setUp();
    renderApp(backend, { route: '/backtests' });
    await screen.findByRole('option', { name: 'BTC daily' });
    await user.clear(screen.getByLabelText('From (UTC day)'));
    await user.click(screen.getByRole('button', { name: 'Run backtest' }));

    await screen.findByText('Give the first day of the range.');
    expect(backend.callsTo('POST', '/api/strategies/1/backtest')).toHaveLength(0);
  });

  it('exports the same backtest as CSV under the server filename; a viewer may run and export', async () => {
    const user = userEvent.setup();
    const { backend } = setUp('viewer');
    const created: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      created.push(blob as Blob);
      return 'blob:backtest';
    });
    const saved: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push(`${this.download} ${this.href}`);
    });
    renderApp(backend, { route: '/backtests' });
    await fillRange(user, '2026-11-16', '2026-11-22');
    await user.click(screen.getByRole('button', { name: 'Run backtest' }));
    await user.click(await screen.findByRole('button', { name: 'Export CSV' }));

    await waitFor(() => expect(saved).toEqual([`${BACKTEST_FILENAME} blob:backtest`]));
    expect(await created[0]?.text()).toMatch(/^# metadata\r\n[\s\S]*# metrics\r\n[\s\S]*# trades\r\n/);
    const [call] = backend.callsTo('POST', '/api/strategies/1/backtest/export');
    expect(call?.headers.get('Authorization')).toBe(`Bearer ${SIGNED_IN.token}`);
    expect(call?.body).toEqual(backend.callsTo('POST', '/api/strategies/1/backtest')[0]?.body);
  });
});
