// Browser test of the Backtests screen against the real stack: a strategy with one closed paper
// trade, backtested over the last days beside that history, exported as CSV, at desk and phone width.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { openPage, settings, uniqueId } from './browser.mjs';

const config = settings();
/** @type {Awaited<ReturnType<typeof openPage>>} */
let session;
/** @type {import('@playwright/test').Page} */
let page;

/** @param {string} name */
const shot = (name) => page.screenshot({ path: path.join(config.screenshotDir, name), fullPage: true });

const strategyName = uniqueId('E2E backtest');
const DAY_MS = 86_400_000;
const isoDay = (/** @type {number} */ ms) => new Date(ms).toISOString().slice(0, 10);
// The last seven UTC days, today (and so the paper trade below) included.
const lastDay = isoDay(Date.now());
const firstDay = isoDay(Date.now() - 6 * DAY_MS);

/** Calls the API from the page with the signed-in user's token. @param {string} method @param {string} url @param {unknown} [body] */
function api(method, url, body) {
  return page.evaluate(
    async ({ method, url, body }) => {
      const stored = JSON.parse(window.sessionStorage.getItem('dscp.session') ?? '{}');
      const headers = { Authorization: `Bearer ${stored.token}`, 'Content-Type': 'application/json' };
      const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
      return response.json();
    },
    { method, url, body },
  );
}

/** The backtest and history cells of a row of the Metrics table. @param {string} label */
async function metric(label) {
  const row = page.getByRole('table', { name: 'Metrics' }).getByRole('row', { name: new RegExp(`^${label}`) });
  return row.getByRole('cell').allTextContents();
}

/** @param {string} start @param {string} end */
async function runBacktest(start, end) {
  await page.getByLabel('Strategy').selectOption({ label: strategyName });
  await page.getByLabel('From (UTC day)').fill(start);
  await page.getByLabel('To (UTC day, included)').fill(end);
  await page.getByRole('button', { name: 'Run backtest' }).click();
}

async function assertNoSidewaysScroll() {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls ${overflow} px sideways`);
}

test.describe.configure({ mode: 'serial', timeout: 300_000 });

test.describe('Backtests screen in a real browser', () => {
  test.beforeAll(async ({ browser }) => {
    session = await openPage(browser, config);
    page = session.page;
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  test.afterAll(async () => {
    await session?.context.close();
  });

  test('a strategy with one closed paper trade today', async () => {
    await page.goto('/login');
    await page.getByLabel('Username').fill(config.username);
    await page.getByLabel('Password').fill(config.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/dashboard');
    const strategy = await api('POST', '/api/strategies', {
      name: strategyName,
      underlying: 'BTC',
      expiry_rule: 'nearest_daily',
      strike_selection: { kind: 'delta', low: 0.1, high: 0.25 },
      quantity: 50,
      entry_time: '01:00:00',
      exit_time: '11:00:00',
      timezone: 'UTC',
      max_loss_pct: 100,
      max_profit_pct: 60,
      trailing_stops: [],
      active: false,
    });
    const started = await api('POST', `/api/strategies/${strategy.id}/sessions`, { mode: 'paper', enter_now: true });
    await expect(async () => assert.notEqual((await api('GET', `/api/sessions/${started.id}`)).position, null)).toPass({
      timeout: 30_000,
    });
    const stopped = await api('POST', `/api/sessions/${started.id}/stop`);
    assert.equal(stopped.status, 'stopped');
    // The SPA listed the strategies before this one was made behind its back.
    await page.reload();
  });

  test('runs a backtest over the last seven days beside the paper history of the same days', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Backtests' }).click();
    await page.waitForURL('**/backtests');
    await page.getByRole('heading', { name: 'Backtests', level: 1 }).waitFor();
    assert.equal(await page.title(), 'Backtests · Delta Strangle Control Plane');

    await runBacktest(firstDay, lastDay);
    await page.getByRole('table', { name: 'Metrics' }).waitFor();
    const [backtestTrades] = await metric('Trades');
    // One strangle a day from 01:00 to 11:00 UTC: six or seven closed, by the time of day.
    assert.ok(Number(backtestTrades) >= 6 && Number(backtestTrades) <= 7, `backtest trades: ${backtestTrades}`);
    await expect(async () => assert.equal((await metric('Trades'))[1], '1')).toPass();
    assert.match((await metric('Net PnL'))[0] ?? '', /^[+−]?\$[\d,]+\.\d\d$/);
    assert.equal(
      await page.getByRole('table', { name: 'Backtest trades' }).getByRole('row').count(),
      Number(backtestTrades) + 1,
    );
    await page.getByRole('img', { name: new RegExp(`^Backtest equity curve: ${backtestTrades} points from ${firstDay}`) }).waitFor();
    await page.getByRole('img', { name: /^Paper\/live history: 1 points/ }).waitFor();
    await assertNoSidewaysScroll();
    await shot('29-backtest.png');
  });

  test('exports the same backtest as CSV: its header and one row per trade', async () => {
    const [trades] = await metric('Trades');
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const download = await downloading;
    assert.match(download.suggestedFilename(), /^backtest-strategy\d+-\d{8}-\d{8}-seed0\.csv$/);
    const lines = readFileSync(await download.path(), 'utf8').split('\r\n');
    assert.equal(lines[lines.length - 1], '');
    const section = (/** @type {string} */ name) => lines.indexOf(`# ${name}`);
    assert.ok(section('metadata') === 0 && section('metadata') < section('metrics') && section('metrics') < section('trades'));
    const metrics = Object.fromEntries(lines.slice(section('metrics') + 2, section('trades')).map((line) => line.split(',')));
    assert.equal(metrics.trade_count, trades);
    assert.equal(
      lines[section('trades') + 1],
      'opened_at,closed_at,reason,expiry,call_strike,put_strike,premium_collected,gross_pnl,fees,net_pnl,cumulative_pnl',
    );
    const rows = lines.slice(section('trades') + 2, -1);
    assert.equal(rows.length, Number(trades));
    assert.equal(Number(rows.at(-1)?.split(',').at(-1)).toFixed(2), Number(metrics.net_pnl).toFixed(2));
  });

  test('a reversed or too long range is refused under the To field', async () => {
    await runBacktest(lastDay, firstDay);
    const to = page.getByLabel('To (UTC day, included)');
    await page.getByText('end must be after start').waitFor();
    assert.equal(await to.getAttribute('aria-invalid'), 'true');
    await runBacktest(isoDay(Date.now() - 40 * DAY_MS), lastDay);
    await page.getByText('a backtest covers at most 31 days; this range covers 41').waitFor();
    assert.equal(await page.getByRole('table', { name: 'Metrics' }).count(), 0);
  });

  test('is usable on a phone: no sideways scroll, the results stacked', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await runBacktest(firstDay, lastDay);
    await page.getByRole('table', { name: 'Metrics' }).waitFor();
    await page.getByRole('img', { name: /^Paper\/live history: 1 points/ }).waitFor();
    await assertNoSidewaysScroll();
    const run = await page.getByRole('button', { name: 'Run backtest' }).boundingBox();
    assert.ok(run && run.x >= 0 && run.x + run.width <= 390, 'the Run button fits the screen');
    // The comparison's three columns fit without scrolling even inside their own box.
    const table = page.getByRole('table', { name: 'Metrics' });
    assert.ok(await table.evaluate((node) => node.scrollWidth <= node.clientWidth), 'the Metrics table fits');
    await table.scrollIntoViewIfNeeded();
    await page.getByRole('heading', { level: 2, name: new RegExp(strategyName) }).evaluate((node) => node.scrollIntoView());
    await shot('30-backtest-phone.png');
  });
});
