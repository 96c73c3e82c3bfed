// Data the screens need to show something, created through the API from a signed-in page.
import { uniqueId } from './browser.mjs';

/**
 * A strategy and a paper session of it that enters now, so the dashboard has a position and
 * analytics a history. Returns the session's id. @param {import('@playwright/test').Page} page
 */
export function startPaperSession(page) {
  return page.evaluate(async (name) => {
    const token = JSON.parse(window.sessionStorage.getItem('dscp.session') ?? '{}').token;
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const post = async (/** @type {string} */ url, /** @type {unknown} */ body) => {
      const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
      if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
      return response.json();
    };
    const strategy = await post('/api/strategies', {
      name,
      underlying: 'BTC',
      expiry_rule: 'nearest_daily',
      strike_selection: { kind: 'delta', low: 0.1, high: 0.25 },
      quantity: 500,
      entry_time: '09:30:00',
      exit_time: '17:00:00',
      timezone: 'Asia/Kolkata',
      max_loss_pct: 50,
      max_profit_pct: 80,
      trailing_stops: [{ trigger_pct: 40, lock_pct: 20 }],
      active: false,
    });
    const session = await post(`/api/strategies/${strategy.id}/sessions`, { mode: 'paper', enter_now: true });
    return /** @type {number} */ (session.id);
  }, `BTC daily ${uniqueId('').slice(-3)}`);
}
