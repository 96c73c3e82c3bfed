// Browser tests of the trading screens against the real stack (SPA + backend + paper engine).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
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

const strategyName = uniqueId('E2E strangle');

/** @param {import('@playwright/test').Page} target @param {string} username @param {string} password */
async function signIn(target, username, password) {
  await target.getByLabel('Username').fill(username);
  await target.getByLabel('Password').fill(password);
  await target.getByRole('button', { name: 'Sign in' }).click();
}

// The tests of a file share one signed-in page, so they run in order and stop at the first failure.
test.describe.configure({ mode: 'serial', timeout: 300_000 });

test.describe('Trading screens in a real browser', () => {
  test.beforeAll(async ({ browser }) => {
    session = await openPage(browser, config);
    page = session.page;
  });

  test.afterAll(async () => {
    await session?.context.close();
  });

  test('signing in lands on the dashboard, with the live connection up and the admin role', async () => {
    await page.goto('/');
    await page.waitForURL('**/login');
    await signIn(page, config.username, config.password);
    await page.waitForURL('**/dashboard');
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    assert.equal(await page.getByTestId('role').textContent(), 'admin');
    await expect(async () =>
      assert.equal(await page.getByRole('status', { name: 'Live updates' }).textContent(), 'Live'),
    ).toPass();
    assert.match((await page.getByTestId('kill-switch-state').textContent()) ?? '', /^(Armed|Tripped)$/);
  });

  test('creates a strategy on the Strategies screen, after the form refused a bad value', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Strategies' }).click();
    await page.waitForURL('**/strategies');
    await page.getByRole('button', { name: 'New strategy' }).click();
    await page.getByLabel('Name').fill(strategyName);
    await page.getByLabel('Delta low').fill('0.1');
    await page.getByLabel('Delta high').fill('0.6');
    // Enough contracts that the unrealised PnL moves by whole cents from one tick to the next.
    await page.getByLabel('Quantity (contracts per leg)').fill('500');
    await page.getByRole('button', { name: 'Create strategy' }).click();
    await page.getByText('must be less than 0.5').waitFor();
    assert.equal(await page.getByLabel('Delta high').getAttribute('aria-invalid'), 'true');

    await page.getByLabel('Delta high').fill('0.25');
    await page.getByRole('button', { name: 'Add trailing stop' }).click();
    await page.getByLabel('Trigger % (rule 1)').fill('40');
    await page.getByLabel('Lock % (rule 1)').fill('20');
    await page.getByRole('button', { name: 'Create strategy' }).click();
    const row = page.getByRole('table', { name: 'Strategies' }).getByRole('row').filter({ hasText: strategyName });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /Δ 0\.1–0\.25/);
    await shot('09-strategies.png');
  });

  test('is told by the real API that live trading is off on this deployment', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
    await page.waitForURL('**/dashboard');
    const strategySelect = page.getByLabel('Strategy');
    await strategySelect.locator('option', { hasText: strategyName }).waitFor({ state: 'attached' });
    await strategySelect.selectOption({ label: `${strategyName} (BTC)` });
    await page.getByLabel('Mode').selectOption({ label: 'Live on Delta Exchange' });
    await page.getByRole('checkbox', { name: /real orders on Delta Exchange/ }).check();
    await page.getByRole('button', { name: 'Start live session' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'Could not start the session' });
    assert.match((await refusal.textContent()) ?? '', /live trading is off on this deployment \(LIVE_TRADING_ENABLED=false\)/);
    await page.getByLabel('Mode').selectOption({ label: 'Paper (simulated market)' });
  });

  test('starts a paper session with "enter now" and sees its PnL change live', async () => {
    const strategySelect = page.getByLabel('Strategy');
    await strategySelect.selectOption({ label: `${strategyName} (BTC)` });
    await page.getByRole('checkbox', { name: /Enter now/ }).check();
    /** @type {string[]} */
    const reloads = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) reloads.push(frame.url());
    });
    await page.getByRole('button', { name: 'Start session' }).click();

    const card = page.getByRole('article', { name: new RegExp(`^${strategyName} · session \\d+$`) });
    await card.waitFor();
    assert.equal(await card.getByTestId('session-status').textContent(), 'Running');
    // The engine opens the strangle on its first tick; the legs arrive over the WebSocket.
    await card.getByRole('table', { name: /^Position of session/ }).waitFor({ timeout: 60_000 });
    const unrealised = card.getByTestId('unrealised-pnl');
    const first = await unrealised.textContent();
    await expect(async () =>
      assert.notEqual(await unrealised.textContent(), first, 'unrealised PnL has not moved yet'),
    ).toPass({ timeout: 90_000, intervals: [500] });
    await shot('10-dashboard.png');
    assert.deepEqual(reloads, [], 'the figures changed without a reload');
    assert.equal(await page.getByRole('status', { name: 'Live updates' }).textContent(), 'Live', 'over the WebSocket');
  });

  test('pauses, resumes and panic-closes the session after confirming', async () => {
    const card = page.getByRole('article', { name: new RegExp(`^${strategyName} · session \\d+$`) });
    await card.getByRole('button', { name: 'Pause' }).click();
    await card.getByRole('button', { name: 'Resume' }).click();
    await card.getByRole('button', { name: 'Pause' }).waitFor();

    await card.getByRole('button', { name: 'Panic close' }).click();
    const dialog = page.getByRole('dialog', { name: 'Panic-close this session?' });
    await dialog.waitFor();
    await shot('11-panic-confirmation.png');
    await dialog.getByRole('button', { name: 'Panic close' }).click();
    await card.waitFor({ state: 'detached' });
    const ended = page.getByRole('region', { name: 'Recently ended' }).getByRole('row').filter({ hasText: strategyName });
    await ended.first().waitFor();
    assert.match((await ended.first().textContent()) ?? '', /Panic-closed/);
  });

  test('opens Advanced Analytics with filters in the URL and downloads the CSV', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Analytics' }).click();
    await page.waitForURL('**/analytics');
    await page.getByLabel('Period').selectOption('today');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.get('preset') === 'today');
    await page.getByLabel('Metrics').waitFor();
    await page.getByText(/^Page \d+ of \d+$/).waitFor();
    await shot('12-analytics.png');

    // Slow the answer a little so the spinner can be seen; the request still goes to the server.
    await page.route('**/api/analytics/export**', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 700));
      await route.continue();
    });
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const busy = page.getByRole('button', { name: 'Exporting…' });
    await busy.waitFor();
    assert.equal(await busy.getAttribute('aria-busy'), 'true');
    const download = await downloading;
    await page.unroute('**/api/analytics/export**');

    assert.match(download.suggestedFilename(), /^analytics-export-\d{8}-\d{6}\.csv$/);
    const text = readFileSync(await download.path(), 'utf8');
    const lines = text.split(/\r?\n/);
    for (const section of ['# metadata', '# metrics', '# timeline']) {
      assert.ok(lines.includes(section), `the CSV has a "${section}" section`);
    }
    assert.ok(lines.indexOf('# metadata') < lines.indexOf('# metrics'));
    assert.ok(lines.indexOf('# metrics') < lines.indexOf('# timeline'));
    await page.getByRole('button', { name: 'Export CSV' }).waitFor();
  });

  test("measures the log viewer's first page: rows in the DOM after the /api/logs response", async () => {
    // Installed before the SPA navigates, so the first /api/logs response and rows are both seen.
    await page.evaluate(() => {
      /** @type {any} */ (window).e2eLogRowsShown = new Promise((resolve) => {
        const observer = new MutationObserver(() => {
          if (!document.querySelector('[role="row"][data-index]')) return;
          observer.disconnect();
          performance.mark('e2e-log-rows-in-dom');
          resolve(performance.now());
        });
        observer.observe(document.body, { childList: true, subtree: true });
      });
    });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Logs' }).click();
    await page.waitForURL('**/logs');
    const figure = await page.evaluate(async () => {
      const shownAt = await /** @type {any} */ (window).e2eLogRowsShown;
      const responses = performance
        .getEntriesByType('resource')
        .filter((entry) => new URL(entry.name).pathname === '/api/logs')
        .map((entry) => /** @type {PerformanceResourceTiming} */ (entry).responseEnd)
        .filter((end) => end <= shownAt);
      const responseEnd = Math.max(...responses);
      const measure = performance.measure('e2e-log-first-page-render', { start: responseEnd, end: shownAt });
      return { renderMs: measure.duration, rows: document.querySelectorAll('[role="row"][data-index]').length };
    });
    assert.ok(Number.isFinite(figure.renderMs) && figure.renderMs >= 0, 'both instants were seen');
    // A figure for the notes, not a pass/fail bound (tests do not assert wall-clock times).
    console.log(`log viewer: first page (${figure.rows} rows rendered) in the DOM ${figure.renderMs.toFixed(1)} ms after the /api/logs response`);
    writeFileSync(path.join(config.screenshotDir, 'log-viewer-first-page.json'), JSON.stringify(figure));
    await page.getByText(/entr(y|ies) loaded/).waitFor();
    await shot('13-logs.png');
  });

  test('a viewer sees the sessions but no control buttons', async () => {
    const viewerName = uniqueId('viewer').replace(/-/g, '_');
    const viewerPassword = `${uniqueId('pw')}-long-enough`;
    const created = await page.evaluate(
      async ({ username, password }) => {
        const token = JSON.parse(window.sessionStorage.getItem('dscp.session') ?? '{}').token;
        const response = await fetch('/api/users', {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ username, password, role: 'viewer' }),
        });
        return response.status;
      },
      { username: viewerName, password: viewerPassword },
    );
    assert.equal(created, 201);

    const viewerContext = await session.browser.newContext({ baseURL: config.baseUrl, viewport: { width: 1280, height: 800 } });
    const viewerPage = await viewerContext.newPage();
    viewerPage.setDefaultTimeout(10_000);
    try {
      await viewerPage.goto('/login');
      await signIn(viewerPage, viewerName, viewerPassword);
      await viewerPage.waitForURL('**/dashboard');
      await viewerPage.getByTestId('role').waitFor();
      assert.equal(await viewerPage.getByTestId('role').textContent(), 'viewer');
      await viewerPage.getByTestId('kill-switch-state').waitFor();
      for (const name of ['Start session', 'Trip kill switch', 'Re-arm', 'Pause', 'Stop', 'Panic close']) {
        assert.equal(await viewerPage.getByRole('button', { name, exact: true }).count(), 0, `no ${name} button`);
      }
      await viewerPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Strategies' }).click();
      await viewerPage.getByRole('table', { name: 'Strategies' }).waitFor();
      assert.equal(await viewerPage.getByRole('button', { name: 'New strategy' }).count(), 0);
      assert.equal(await viewerPage.getByRole('button', { name: /^(Edit|Delete) / }).count(), 0);
    } finally {
      await viewerContext.close();
    }
    assert.deepEqual(session.pageErrors, []);
  });
});
