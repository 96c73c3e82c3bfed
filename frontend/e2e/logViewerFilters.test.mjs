// Browser tests of the Log Viewer's filters against the real stack: the volume histogram and its
// drag-zoom, include/exclude field filters, text search in payloads with highlighting, range
// presets, the UTC/local clock, sort order, line wrap, and the URL keeping all of it.
import assert from 'node:assert/strict';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { openPage, settings, uniqueId } from './browser.mjs';

const config = settings();
// Not UTC, so the local clock shows other hours than the UTC one.
const TIME_ZONE = 'Asia/Kolkata';
/** @type {Awaited<ReturnType<typeof openPage>>} */
let session;
/** @type {import('@playwright/test').Page} */
let page;

/** @param {string} name */
const shot = (name) => page.screenshot({ path: path.join(config.screenshotDir, name) });
const currentSearch = () => new URL(page.url()).searchParams;
const dataRows = () => page.getByRole('table', { name: 'Log entries' }).getByRole('row').filter({ hasNot: page.getByRole('columnheader') });

const marker = uniqueId('e2efilters').replace(/-/g, '');
// An order id whose middle part is searched for: it is only in the payload, never in a message.
const orderId = (/** @type {number} */ i) => `ORD-${marker.slice(-6)}Q${i}7731`;
const LONG_TAIL = ' and then'.repeat(40);
const entries = ['DEBUG', 'INFO', 'WARNING', 'ERROR'].map((level, i) => ({
  level,
  event: 'ui.e2e_filters',
  message: `filters check ${i}${i === 1 ? LONG_TAIL : ''}`,
  correlation_id: marker,
  order_id: orderId(i),
  venue: { name: i % 2 ? 'delta' : 'paper' },
}));

// Rows over the last 14 minutes, more of them lately, for a histogram with some shape to it.
const VOLUME_LEVELS = ['INFO', 'INFO', 'INFO', 'DEBUG', 'DEBUG', 'WARNING', 'INFO', 'ERROR'];
const VOLUME_ROWS = 300;
const volume = (/** @type {number} */ now) =>
  Array.from({ length: VOLUME_ROWS }, (_, i) => ({
    ts: new Date(now - 14 * 60_000 * (((i * 37) % VOLUME_ROWS) / VOLUME_ROWS) ** 1.7).toISOString(),
    level: VOLUME_LEVELS[i % VOLUME_LEVELS.length],
    event: 'ui.e2e_volume',
    message: `volume sample ${i}`,
    correlation_id: `${marker}v`,
  }));

/** @param {object[]} batch */
async function postEntries(batch) {
  const status = await page.evaluate(async (body) => {
    const token = JSON.parse(window.sessionStorage.getItem('dscp.session') ?? '{}').token;
    const response = await fetch('/api/logs/batch', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ entries: body }),
    });
    return response.status;
  }, batch);
  assert.equal(status, 200);
}

async function noSidewaysScroll() {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls ${overflow} px sideways`);
}

test.describe.configure({ mode: 'serial', timeout: 120_000 });

test.describe('Log Viewer filters in a real browser', () => {
  test.beforeAll(async ({ browser }) => {
    session = await openPage(browser, config, { viewport: { width: 1440, height: 900 }, timezoneId: TIME_ZONE });
    page = session.page;
    await page.goto('/login');
    await page.getByLabel('Username').fill(config.username);
    await page.getByLabel('Password').fill(config.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname !== '/login');
    // Rows of our own, with payload fields, sent as the signed-in user (stored and indexed at once).
    await postEntries(entries);
    await postEntries(volume(Date.now()));
  });

  test.afterAll(async () => {
    await session?.context.close();
  });

  test('shows the volume histogram by level, and a drag across it zooms the range in the URL', async () => {
    const chart = page.getByTestId('log-histogram');
    // The seeded rows only (a field filter), without the stack's own requests.
    await page.goto('/logs?range=15m&where=event%3Dui.e2e_volume');
    await page.getByText(`${VOLUME_ROWS} entries loaded (all)`).waitFor();
    await expect(chart).toHaveAttribute('aria-label', new RegExp(`^Log volume by level: ${VOLUME_ROWS} entries`));
    await shot('31-log-viewer-histogram.png');

    await page.goto(`/logs?correlation_id=${marker}&range=15m`);
    await page.getByText('4 entries loaded (all)').waitFor();
    await expect(chart).toHaveAttribute('aria-label', /^Log volume by level: 4 entries/);

    const box = await chart.boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width * 0.1, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
    // Past the right edge: the pointer is captured and the range ends at the chart's end (now).
    await page.mouse.move(box.x + box.width + 20, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForURL((url) => url.searchParams.has('start') && url.searchParams.has('end'));
    const start = Date.parse(currentSearch().get('start') ?? '');
    const end = Date.parse(currentSearch().get('end') ?? '');
    assert.equal(currentSearch().get('range'), null, 'the zoomed range replaces the preset');
    // 90 % of a 15-minute chart, give or take a bucket.
    assert.ok(end - start > 11 * 60_000 && end - start < 15 * 60_000, `zoomed to ${(end - start) / 1000} s`);
    await page.getByText('custom range').waitFor();
    await page.getByText('4 entries loaded (all)').waitFor();
  });

  test('excludes a level picked from an expanded row', async () => {
    const debugRow = dataRows().filter({ hasText: 'filters check 0' });
    await debugRow.getByRole('button', { name: /^Show details of entry/ }).click();
    await page.getByRole('button', { name: 'Exclude level = DEBUG' }).click();
    await page.waitForURL((url) => url.searchParams.getAll('where').includes('level!=DEBUG'));
    await page.getByText('3 entries loaded (all)').waitFor();
    assert.equal(await dataRows().filter({ hasText: 'DEBUG' }).count(), 0);
    await page.getByRole('list', { name: 'Field filters in force' }).getByText('level').waitFor();
  });

  test('includes a payload value typed in as a filter', async () => {
    await page.getByLabel('Filter field').fill('payload.venue.name');
    await page.getByLabel('Filter value').fill('delta');
    await page.getByRole('button', { name: 'Add filter' }).click();
    await page.waitForURL((url) => url.searchParams.getAll('where').includes('payload.venue.name=delta'));
    await page.getByText('2 entries loaded (all)').waitFor();
    await page.getByRole('button', { name: 'Remove filter payload.venue.name=delta' }).click();
    await page.getByText('3 entries loaded (all)').waitFor();
  });

  test('finds a row by part of a payload value and marks the match', async () => {
    const part = orderId(2).slice(6, 13).toLowerCase();
    await page.getByLabel('Text search').fill(part);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.get('q') === part);
    await page.getByText('1 entry loaded (all)').waitFor();
    const row = dataRows().filter({ hasText: 'filters check 2' });
    await row.getByRole('button', { name: /^Show details of entry/ }).click();
    const mark = page.getByRole('region', { name: 'Fields' }).locator('mark');
    await expect(mark).toHaveText(new RegExp(part, 'i'));

    await page.getByLabel('Text search').fill('ilters chec');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('3 entries loaded (all)').waitFor();
    await expect(dataRows().first().locator('mark').first()).toHaveText(/ilters/);
  });

  test('presets set a relative range the API gets as a start', async () => {
    const request = page.waitForRequest((req) => new URL(req.url()).pathname === '/api/logs');
    await page.getByRole('button', { name: '1 h', exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get('range') === '1h' && !url.searchParams.has('start'));
    const sent = Date.parse(new URL((await request).url()).searchParams.get('start') ?? '');
    assert.ok(Math.abs(Date.now() - 3_600_000 - sent) < 60_000, 'the start is an hour ago');
    assert.equal(await page.getByRole('button', { name: '1 h', exact: true }).getAttribute('aria-pressed'), 'true');
    await page.getByText('3 entries loaded (all)').waitFor();
  });

  test('shows times on the local clock or UTC, sorts oldest first, and wraps long lines', async () => {
    const firstTime = async () => (await dataRows().first().getByRole('cell').nth(1).textContent()) ?? '';
    const utc = await firstTime();
    await page.getByRole('button', { name: 'Local', exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get('tz') === 'local');
    await page.getByRole('columnheader', { name: 'Time (local)' }).waitFor();
    const local = await firstTime();
    const shift = Date.parse(`${local.replace(' ', 'T')}Z`) - Date.parse(`${utc.replace(' ', 'T')}Z`);
    assert.equal(shift, 5.5 * 3_600_000, `${utc} UTC is ${local} in ${TIME_ZONE}`);

    await page.getByRole('combobox', { name: 'Order' }).selectOption('oldest');
    await page.waitForURL((url) => url.searchParams.get('order') === 'oldest');
    await expect(dataRows().first()).toContainText('filters check 1');
    await expect(dataRows().last()).toContainText('filters check 3');

    const longMessage = dataRows().filter({ hasText: 'filters check 1' }).getByRole('cell').nth(5);
    const before = (await longMessage.boundingBox())?.height ?? 0;
    // A click, not check(): the box shows the URL, which it changes a moment later.
    await page.getByRole('checkbox', { name: 'Wrap lines' }).click();
    await page.waitForURL((url) => url.searchParams.get('wrap') === 'true');
    await expect(page.getByRole('checkbox', { name: 'Wrap lines' })).toBeChecked();
    await expect(async () => {
      const after = (await longMessage.boundingBox())?.height ?? 0;
      assert.ok(after > before * 2, `the wrapped message is ${after} px high, was ${before}`);
    }).toPass();
  });

  test('a reload keeps every filter and view option', async () => {
    const url = page.url();
    await page.reload();
    await page.getByText('3 entries loaded (all)').waitFor();
    assert.equal(page.url(), url);
    const search = currentSearch();
    assert.deepEqual(search.getAll('where'), ['level!=DEBUG']);
    assert.equal(search.get('q'), 'ilters chec');
    assert.equal(await page.getByLabel('Text search').inputValue(), 'ilters chec');
    assert.equal(await page.getByLabel('Correlation id').inputValue(), marker);
    await page.getByRole('list', { name: 'Field filters in force' }).getByText('level').waitFor();
    assert.equal(await page.getByRole('button', { name: '1 h', exact: true }).getAttribute('aria-pressed'), 'true');
    assert.equal(await page.getByRole('button', { name: 'Local', exact: true }).getAttribute('aria-pressed'), 'true');
    assert.equal(await page.getByRole('combobox', { name: 'Order' }).inputValue(), 'oldest');
    assert.ok(await page.getByRole('checkbox', { name: 'Wrap lines' }).isChecked());
    await page.getByRole('columnheader', { name: 'Time (local)' }).waitFor();
    await expect(dataRows().first()).toContainText('filters check 1');
    await noSidewaysScroll();
  });

  test('works on a phone without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.getByText('3 entries loaded (all)').waitFor();
    await page.getByTestId('log-histogram').waitFor();
    // The form folds on a phone; the field filters in force stay in sight.
    await page.getByText(/^Filters \(\d+ applied\)/).waitFor();
    await page.getByRole('list', { name: 'Field filters in force' }).getByText('level').waitFor();
    await noSidewaysScroll();
    await shot('32-log-viewer-filters-phone.png');
    await page.getByText(/^Filters \(\d+ applied\)/).click();
    await page.getByRole('button', { name: 'Apply filters' }).waitFor();
    await noSidewaysScroll();
    assert.deepEqual(session.pageErrors, []);
  });
});
