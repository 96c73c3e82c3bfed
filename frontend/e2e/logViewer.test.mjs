// Browser tests of the Log Viewer and sign-in against the real stack (SPA + backend); run by npm run test:browser.
import assert from 'node:assert/strict';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { openPage, settings, uniqueId } from './browser.mjs';

const config = settings();
/** @type {Awaited<ReturnType<typeof openPage>>} */
let session;
/** @type {import('@playwright/test').Page} */
let page;

/** @param {string} name */
const shot = (name) => page.screenshot({ path: path.join(config.screenshotDir, name) });

/** The URL's query as the app put it there. */
const currentSearch = () => new URL(page.url()).searchParams;

/** @param {string} correlationId */
async function filterByCorrelationId(correlationId) {
  await page.getByLabel('Correlation id').fill(correlationId);
  await page.getByRole('button', { name: 'Apply filters' }).click();
}

/**
 * Refreshes until a table row contains `text`; the tailer ingests asynchronously.
 * @param {string} text
 */
// The edge's access line of GET /api/health: its message ends with the request's duration.
const EDGE_HEALTH_LINE = /GET \/api\/health 200 [0-9.]+ ms/;

/**
 * @param {string} text
 * @param {number} atLeast
 */
async function refreshUntilRowWith(text, atLeast = 1) {
  const row = page.getByRole('row').filter({ hasText: text });
  await expect(async () => {
    if ((await row.count()) < atLeast) {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.waitForTimeout(300);
    }
    assert.ok((await row.count()) >= atLeast, `not ${atLeast} rows with ${text} yet`);
  }).toPass();
  return row;
}

// The tests of a file share one signed-in page, so they run in order and stop at the first failure.
test.describe.configure({ mode: 'serial', timeout: 120_000 });

test.describe('Log Viewer in a real browser', () => {
  test.beforeAll(async ({ browser }) => {
    session = await openPage(browser, config);
    page = session.page;
  });

  test.afterAll(async () => {
    await session?.context.close();
  });

  test('a signed-out visitor is sent to sign-in, and a wrong password is refused', async () => {
    await page.goto('/logs');
    await page.waitForURL('**/login');
    await page.getByRole('heading', { name: 'Delta Strangle Control Plane' }).waitFor();
    await shot('01-sign-in.png');

    await page.getByLabel('Username').fill(config.username);
    await page.getByLabel('Password').fill(`${config.password}-wrong`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.equal(await alert.textContent(), 'Wrong username or password.');
  });

  test('signs in and opens the Log Viewer with entries from the backend', async () => {
    await page.getByLabel('Password').fill(config.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/logs');
    await page.getByRole('link', { name: `Signed in as ${config.username}` }).waitFor();
    await page.getByText(/entr(y|ies) loaded/).waitFor();
    assert.ok((await page.getByRole('row').count()) > 1, 'the table shows at least one entry');
    const stored = JSON.parse((await page.evaluate(() => window.sessionStorage.getItem('dscp.session'))) ?? '{}');
    assert.ok(stored.token && stored.refreshToken, 'the access and refresh tokens are kept in sessionStorage');
    assert.deepEqual(await page.context().cookies(), [], 'no cookie holds the session');
    await shot('02-log-viewer.png');
  });

  test('the API inspector is there only in a build with VITE_ENABLE_API_DEBUG=true', async () => {
    const expectInspector = process.env.E2E_EXPECT_API_INSPECTOR === 'true';
    /** @type {string[]} */
    const answeredIds = [];
    const onResponse = (/** @type {import('@playwright/test').Response} */ response) => {
      if (new URL(response.url()).pathname.startsWith('/api/')) {
        answeredIds.push(response.headers()['x-request-id'] ?? '');
      }
    };
    page.on('response', onResponse);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByText(/entr(y|ies) loaded/).waitFor();
    page.off('response', onResponse);

    const toggle = page.getByRole('button', { name: /^API inspector/ });
    if (!expectInspector) {
      assert.equal(await toggle.count(), 0, 'no inspector in a normal build');
      return;
    }
    await toggle.click();
    const calls = page.getByRole('complementary', { name: 'API inspector' }).getByRole('row');
    await calls.nth(1).waitFor();
    const shown = await calls.allTextContents();
    assert.ok(answeredIds.length > 0);
    assert.ok(
      answeredIds.some((id) => shown.some((text) => text.includes(id))),
      'the inspector shows the request ids the server answered with',
    );
    assert.ok(shown.some((text) => /GET\/logs\?limit=500200\d+ ms/.test(text)), 'with status and duration');
    await shot('08-api-inspector.png');
    await toggle.click();
  });

  const requestId = uniqueId('e2e-health');

  test('finds an API request by the X-Request-ID it was sent with', async () => {
    const echoed = await page.evaluate(async (id) => {
      const response = await fetch('/api/health', { headers: { 'X-Request-ID': id } });
      return response.headers.get('X-Request-ID');
    }, requestId);
    assert.equal(echoed, requestId);

    await filterByCorrelationId(requestId);
    await page.waitForURL((url) => url.searchParams.get('correlation_id') === requestId);
    // The edge's access line (its message ends with the duration) and the backend's own line.
    const rows = await refreshUntilRowWith('GET /api/health 200', 2);
    assert.equal(await rows.count(), 2);
    assert.equal(await rows.filter({ hasText: EDGE_HEALTH_LINE }).count(), 1);
    assert.equal(await rows.getByRole('button', { name: requestId }).count(), 2);
    await shot('03-filtered-by-correlation-id.png');
  });

  test('expands the row to its JSON payload and context lines', async () => {
    // The backend's line: the edge's access line of the same request ends with its duration.
    const row = page.getByRole('row').filter({ hasText: 'GET /api/health 200', hasNotText: EDGE_HEALTH_LINE });
    await row.getByRole('button', { name: /^Show details of entry/ }).click();
    const payload = page.getByRole('region', { name: 'Payload' });
    await payload.waitFor();
    const json = JSON.parse((await payload.locator('pre').textContent()) ?? '');
    assert.equal(json.path, '/api/health');
    assert.equal(json.status, 200);
    const anchor = page.locator('li[aria-current="true"]');
    await anchor.waitFor();
    assert.match((await anchor.textContent()) ?? '', /GET \/api\/health 200/);
    await shot('04-row-expanded.png');
  });

  test('clicking a correlation id in the table filters by it', async () => {
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.waitForURL((url) => url.search === '');
    // React renders the new URL a moment after the history entry changes.
    await expect(async () => assert.equal(await page.getByLabel('Correlation id').inputValue(), '')).toPass();
    await page.getByText(/entr(y|ies) loaded/).waitFor();
    // The newest row with a correlation id: the viewer's own API calls have one, while the edge's
    // access line of a static file may not (its row's last button is then the expander).
    const target = page.locator('button[title^="Show only correlation id"]').first();
    const clickedId = (await target.textContent()) ?? '';
    assert.ok(clickedId, 'a row of the first page has a correlation id');
    await target.click();
    await page.waitForURL((url) => url.searchParams.get('correlation_id') === clickedId);
    assert.equal(currentSearch().get('correlation_id'), clickedId);
    await expect(async () => assert.equal(await page.getByLabel('Correlation id').inputValue(), clickedId)).toPass();
    await page.getByText(/entr(y|ies) loaded/).waitFor();
    const shownIds = await page.getByRole('row').locator('button[title^="Show only correlation id"]').allTextContents();
    assert.ok(shownIds.length > 0);
    assert.deepEqual([...new Set(shownIds)], [clickedId]);
    await shot('05-correlation-id-clicked.png');
  });

  test('live tail prepends new matching entries without a refresh', async () => {
    const liveId = uniqueId('e2e-live');
    await filterByCorrelationId(liveId);
    await page.getByText('No entries match these filters.').waitFor();
    await page.getByRole('checkbox', { name: /Live tail/ }).check();
    await page.evaluate(async (id) => {
      await fetch('/api/health/ready', { headers: { 'X-Request-ID': id } });
    }, liveId);
    // The first of the request's two rows (the edge's access line, the backend's line) to arrive.
    await page.getByRole('row').filter({ hasText: 'GET /api/health/ready' }).first().waitFor({ timeout: 15_000 });
    await page.getByRole('checkbox', { name: /Live tail/ }).uncheck();
  });

  test('client errors are shipped to the log and can be found by text', async () => {
    const marker = uniqueId('e2eclienterror').replace(/-/g, '');
    await page.evaluate((word) => {
      setTimeout(() => {
        throw new Error(`boom ${word}`);
      });
    }, marker);
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Text search').fill(marker);
    await page.getByLabel('Source').selectOption('ui');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.get('source') === 'ui');
    const row = await refreshUntilRowWith(`boom ${marker}`);
    // Stamped by the server with the signed-in user, in the ui.* namespace.
    assert.match((await row.textContent()) ?? '', /ui\.client_error/);
    assert.match((await row.textContent()) ?? '', new RegExp(`UI · ${config.username}`));
  });

  test('the dark theme is remembered across a reload', async () => {
    await page.goto('/logs');
    const toggle = page.getByRole('button', { name: 'Dark theme' });
    if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
    await page.reload();
    await page.getByText(/entr(y|ies) loaded/).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    await shot('06-log-viewer-dark.png');
    await page.getByRole('button', { name: 'Dark theme' }).click();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
  });

  test('tokens the API rejects (and a refresh it refuses) return to sign-in with a message', async () => {
    await page.evaluate(() => {
      const stored = JSON.parse(window.sessionStorage.getItem('dscp.session') ?? '{}');
      window.sessionStorage.setItem(
        'dscp.session',
        JSON.stringify({ ...stored, token: 'not-a-valid-token', refreshToken: 'not-a-valid-refresh-token' }),
      );
    });
    await page.goto('/logs?level=ERROR');
    await page.waitForURL('**/login');
    await page.getByText('Your session has expired. Please sign in again.').waitFor();
    await shot('07-session-expired.png');
  });

  test('a session whose time has passed returns to sign-in without asking the API', async () => {
    await page.getByLabel('Username').fill(config.username);
    await page.getByLabel('Password').fill(config.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/logs');
    // The page's own first requests must be done, or they would be counted below.
    await page.getByText(/entr(y|ies) loaded|No entries/).waitFor();
    await page.evaluate(() => {
      const stored = JSON.parse(window.sessionStorage.getItem('dscp.session') ?? '{}');
      const past = Math.floor(Date.now() / 1000) - 1;
      window.sessionStorage.setItem('dscp.session', JSON.stringify({ ...stored, expiresAt: past, refreshExpiresAt: past }));
    });
    /** @type {string[]} */
    const logCalls = [];
    const onRequest = (/** @type {import('@playwright/test').Request} */ request) => {
      if (new URL(request.url()).pathname.startsWith('/api/logs')) logCalls.push(request.url());
    };
    page.on('request', onRequest);
    await page.reload();
    await page.waitForURL('**/login');
    await page.getByText('Your session has expired. Please sign in again.').waitFor();
    page.off('request', onRequest);
    assert.deepEqual(logCalls, []);
  });

  test('signs out', async () => {
    await page.getByLabel('Username').fill(config.username);
    await page.getByLabel('Password').fill(config.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/logs' && url.searchParams.get('level') === 'ERROR');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/login');
    await page.getByText('You have signed out.').waitFor();
    assert.equal(await page.evaluate(() => window.sessionStorage.getItem('dscp.session')), null);
    assert.deepEqual(session.pageErrors.filter((message) => !/e2eclienterror/.test(message)), []);
  });
});
