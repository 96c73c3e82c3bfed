// Browser test of the session page (/sessions/:id) and the dashboard's session cards against the
// real stack: a paper session's legs, fills, events and PnL chart, kept over a reload, at a desk
// and a phone width; a flat session's next entry and exit on the dashboard.
import assert from 'node:assert/strict';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { openPage, settings, uniqueId } from './browser.mjs';

const config = settings();
/** @type {Awaited<ReturnType<typeof openPage>>} */
let session;
/** @type {import('@playwright/test').Page} */
let page;

const DESK = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const tradingName = uniqueId('E2E session page');
const flatName = uniqueId('E2E flat session');
/** @type {{ trading: number, flat: number }} */
let ids;

/** @param {string} name */
const shot = (name) => page.screenshot({ path: path.join(config.screenshotDir, name), fullPage: true });

async function sidewaysOverflow() {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** HH:MM in UTC, `hours` from now. */
function clockIn(/** @type {number} */ hours) {
  return new Date(Date.now() + hours * 3_600_000).toISOString().slice(11, 16);
}

/** Two strategies and a paper session of each: one entering now, one waiting for its window. */
async function startSessions(/** @type {import('@playwright/test').Page} */ target) {
  return target.evaluate(
    async ({ tradingName, flatName, entry, exit }) => {
      const token = JSON.parse(window.sessionStorage.getItem('dscp.session') ?? '{}').token;
      const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
      const call = async (/** @type {string} */ url, /** @type {unknown} */ body) => {
        const response = await fetch(url, { method: 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body) });
        if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
        return response.json();
      };
      const killSwitch = await (await fetch('/api/kill-switch', { headers })).json();
      if (killSwitch.tripped) await call('/api/kill-switch/rearm', undefined);
      const strategy = (/** @type {string} */ name, /** @type {string} */ entryTime, /** @type {string} */ exitTime) => ({
        name,
        underlying: 'BTC',
        expiry_rule: 'nearest_weekly',
        strike_selection: { kind: 'delta', low: 0.1, high: 0.25 },
        quantity: 10,
        entry_time: entryTime,
        exit_time: exitTime,
        timezone: 'UTC',
        max_loss_pct: 1000,
        max_profit_pct: 100,
        trailing_stops: [],
        active: false,
      });
      const trading = await call('/api/strategies', strategy(tradingName, '00:00', '23:59'));
      const flat = await call('/api/strategies', strategy(flatName, entry, exit));
      const tradingSession = await call(`/api/strategies/${trading.id}/sessions`, { mode: 'paper', enter_now: true });
      const flatSession = await call(`/api/strategies/${flat.id}/sessions`, { mode: 'paper', enter_now: false });
      return { trading: tradingSession.id, flat: flatSession.id };
    },
    { tradingName, flatName, entry: clockIn(2), exit: clockIn(4) },
  );
}

test.describe.configure({ mode: 'serial', timeout: 300_000 });

test.describe('Session page in a real browser', () => {
  test.beforeAll(async ({ browser }) => {
    session = await openPage(browser, config);
    page = session.page;
    await page.setViewportSize(DESK);
  });

  test.afterAll(async () => {
    await session?.context.close();
  });

  test('the dashboard says when a flat session enters next, with spot and units', async () => {
    await page.goto('/login');
    await page.getByLabel('Username').fill(config.username);
    await page.getByLabel('Password').fill(config.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/dashboard');
    ids = await startSessions(page);
    await page.reload(); // the start form lists the strategies just made

    const flat = page.getByRole('article', { name: `${flatName} · session ${ids.flat}` });
    const schedule = flat.getByTestId('session-schedule');
    await expect(schedule).toContainText(/Flat: no open position\. Next entry \d{4}-\d\d-\d\d \d\d:\d\d:00 UTC \(in [12] h\), exit by/);
    // The spot comes with the engine's first tick.
    await expect(schedule).toContainText(/Spot \$[\d,]+\.\d\d per BTC/, { timeout: 60_000 });

    const trading = page.getByRole('article', { name: `${tradingName} · session ${ids.trading}` });
    const legs = trading.getByRole('table', { name: `Position of session ${ids.trading}` });
    await legs.waitFor({ timeout: 60_000 });
    await expect(trading).toContainText(/leg prices are USD per BTC/);
    await expect(trading).toContainText(/Premium collected \$[\d,.]+ for the whole position/);
    await trading.getByRole('table', { name: `Fills of session ${ids.trading}` }).waitFor({ timeout: 30_000 });
    await shot('28-dashboard-flat-next-entry.png');
  });

  test('opens the session page from its card: summary, legs with greeks, fills, events, chart, configuration', async () => {
    const trading = page.getByRole('article', { name: `${tradingName} · session ${ids.trading}` });
    await trading.getByRole('link', { name: `${tradingName} · session ${ids.trading}` }).click();
    await page.waitForURL(`**/sessions/${ids.trading}`);
    await page.getByRole('heading', { level: 1, name: `${tradingName} · session ${ids.trading}` }).waitFor();
    assert.match(await page.title(), new RegExp(`^Session ${ids.trading} · `));

    const summary = page.getByRole('region', { name: 'Summary' });
    await expect(summary).toContainText('Paper (simulated market)');
    await expect(summary).toContainText('still running');
    const legs = page.getByRole('table', { name: `Position of session ${ids.trading}` });
    const call = legs.getByRole('row').filter({ hasText: 'Short call' });
    // Strike, entry, mark, delta and IV: numbers, not dashes.
    await expect(call).toHaveText(/Short call[\d,]+\$[\d,.]+\$[\d,.]+0\.\d{1,3}\d+\.\d %/);
    await expect(page.getByText(/^Spot \$[\d,.]+ per BTC · position delta -?[\d.]+ BTC/)).toBeVisible();

    const fills = page.getByRole('table', { name: `Fills of session ${ids.trading}` });
    await expect(fills.getByRole('row')).toHaveCount(3); // the header and the two sells
    const events = page.getByRole('table', { name: `Events of session ${ids.trading}` });
    await expect(events).toContainText('position_opened');
    await expect(events).toContainText('session_started');
    await expect(page.getByRole('img', { name: /^PnL over time \(USD\): \d+ points/ })).toBeVisible();
    await expect(page.getByRole('region', { name: /Strategy configuration/ })).toContainText('10 contracts per leg');
    for (const name of ['Pause', 'Stop', 'Panic close']) {
      await expect(page.getByRole('button', { name, exact: true })).toBeVisible();
    }
    assert.ok((await sidewaysOverflow()) <= 0, 'no sideways scroll at 1440 px');
    await shot('26-session-page.png');
  });

  test('a reload still shows the fills and events (read from the API)', async () => {
    await page.reload();
    await expect(page.getByRole('table', { name: `Fills of session ${ids.trading}` }).getByRole('row')).toHaveCount(3);
    await expect(page.getByRole('table', { name: `Events of session ${ids.trading}` })).toContainText('position_opened');

    await page.goto('/dashboard');
    const trading = page.getByRole('article', { name: `${tradingName} · session ${ids.trading}` });
    await expect(trading.getByRole('table', { name: `Fills of session ${ids.trading}` }).getByRole('row')).toHaveCount(3);
  });

  test('fits a phone: no sideways scroll, tables scroll in their own box', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(`/sessions/${ids.trading}`);
    await page.getByRole('table', { name: `Fills of session ${ids.trading}` }).waitFor();
    await page.getByRole('img', { name: /^PnL over time/ }).waitFor();
    const overflow = await sidewaysOverflow();
    assert.ok(overflow <= 0, `the session page scrolls ${overflow} px sideways at 390 px`);
    await shot('27-session-page-phone.png');
    await page.goto('/dashboard');
    await page.getByRole('article', { name: `${flatName} · session ${ids.flat}` }).getByTestId('session-schedule').waitFor();
    const dashboardOverflow = await sidewaysOverflow();
    assert.ok(dashboardOverflow <= 0, `the dashboard scrolls ${dashboardOverflow} px sideways at 390 px`);
    await page.setViewportSize(DESK);
  });

  test('stops the session from its page; the page then shows it ended', async () => {
    await page.goto(`/sessions/${ids.trading}`);
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Stop this session?' });
    await dialog.getByRole('button', { name: 'Stop session' }).click();
    await expect(page.getByTestId('session-status')).toHaveText('Stopped');
    await expect(page.getByText('The session has ended; it holds no position.')).toBeVisible();
    await expect(page.getByRole('table', { name: `Fills of session ${ids.trading}` }).getByRole('row')).toHaveCount(5);
    await expect(page.getByRole('table', { name: `Events of session ${ids.trading}` })).toContainText('session_stopped');

    await page.goto(`/sessions/${ids.flat}`);
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.getByRole('dialog', { name: 'Stop this session?' }).getByRole('button', { name: 'Stop session' }).click();
    await expect(page.getByTestId('session-status')).toHaveText('Stopped');
    assert.deepEqual(session.pageErrors, []);
  });
});
