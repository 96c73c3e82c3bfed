// Browser tests of the Log Viewer's permalinks, socket-pushed live tail and downloads against the real stack.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
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
// One word, as the full-text index splits words, so a text search finds exactly these rows.
const marker = uniqueId('e2etail').replace(/-/g, '');
const FORMULA = `=HYPERLINK("http://evil.example") ${marker}`;
// Lines stored for the permalink, and the linked one: 70 of them on each side of it at least, as
// many as the viewer shows after two loads of 50 (rows the stack logged meanwhile come between).
const CONTEXT_LINES = 200;
const TARGET = 100;

/** @param {string} name */
const shot = (name) => page.screenshot({ path: path.join(config.screenshotDir, name) });

async function sidewaysScroll() {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/**
 * Stores entries through the API as the signed-in browser (source ui), oldest first.
 * @param {{ message: string, level?: string, ts?: string }[]} entries
 */
async function store(entries) {
  const stored = await page.evaluate(async (body) => {
    const token = JSON.parse(window.sessionStorage.getItem('dscp.session') ?? '{}').token;
    const response = await fetch('/api/logs/batch', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ entries: body }),
    });
    return response.json();
  }, entries);
  assert.equal(stored.stored, entries.length);
}

/**
 * GET `path` of the API as the signed-in browser; the answer's JSON.
 * @param {string} path
 */
async function apiGet(path) {
  return page.evaluate(async (url) => {
    const token = JSON.parse(window.sessionStorage.getItem('dscp.session') ?? '{}').token;
    const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    return response.json();
  }, path);
}

/** @param {Record<string, string>} query */
const apiLogs = (query) => apiGet(`/api/logs?${new URLSearchParams(query)}`);

/**
 * The server's own context of a row: `rows` neighbours on each side, oldest first.
 * @param {number} id
 * @param {number} rows
 * @returns {Promise<{ before: { id: number }[], entry: { id: number }, after: { id: number }[] }>}
 */
const apiContext = (id, rows) => apiGet(`/api/logs/${id}/context?before=${rows}&after=${rows}`);

/** Row of the table whose message is exactly `text`. */
const rowWith = (/** @type {string} */ text) =>
  page.getByRole('table', { name: 'Log entries' }).getByRole('row').filter({ hasText: text });

test.describe.configure({ mode: 'serial', timeout: 120_000 });

test.describe('Log Viewer: permalinks, pushed live tail, downloads', () => {
  test.beforeAll(async ({ browser }) => {
    session = await openPage(browser, config);
    page = session.page;
    await page.setViewportSize(DESK);
  });

  test.afterAll(async () => {
    await session?.context.close();
  });

  /** @type {{ id: number, message: string }[]} */
  let lines = [];

  test('a permalink opens the viewer on its line, highlighted, with context that widens both ways', async () => {
    await page.goto('/login');
    await page.getByLabel('Username').fill(config.username);
    await page.getByLabel('Password').fill(config.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/dashboard');
    const start = Date.now() - 60_000;
    await store(
      Array.from({ length: CONTEXT_LINES }, (_, index) => ({
        message: `context line ${index} ${marker}`,
        ts: new Date(start + index).toISOString(),
      })),
    );
    const found = await apiLogs({ q: marker, limit: String(CONTEXT_LINES) });
    lines = found.items.reverse();
    assert.equal(lines.length, CONTEXT_LINES);
    const target = lines[TARGET];

    await page.goto('/logs');
    await page.getByText(/entr(y|ies) loaded/).waitFor();
    await page.getByRole('button', { name: /^Show details of entry/ }).first().click();
    const link = page.getByRole('link', { name: 'Link to this entry' });
    assert.match((await link.getAttribute('href')) ?? '', /^\/logs\?line=\d+$/);

    await page.goto(`/logs?line=${target.id}`);
    await page.getByRole('heading', { name: `Entry #${target.id} and its context` }).waitFor();
    const list = page.getByRole('list', { name: 'Entries around the linked one' });
    const items = list.getByRole('listitem');
    await expect(items).toHaveCount(41);
    const current = list.locator('li[aria-current="true"]');
    await expect(current).toHaveText(new RegExp(`context line ${TARGET} ${marker}`));
    assert.equal(await current.getAttribute('data-entry-id'), String(target.id));
    await expect(current).toBeInViewport();
    await shot('33-log-viewer-permalink.png');

    await page.getByRole('button', { name: 'Load 50 earlier' }).click();
    await expect(items).toHaveCount(91);
    await page.getByRole('button', { name: 'Load 50 later' }).click();
    await expect(items).toHaveCount(141);
    const ids = (await items.evaluateAll((nodes) => nodes.map((node) => Number(node.getAttribute('data-entry-id')))));
    assert.equal(new Set(ids).size, ids.length, 'no line twice');
    // Exactly the 70 neighbours on each side the server orders by time, whatever else the stack
    // logged within the markers' 200 ms (its own requests do): nothing skipped at a page's edge.
    const around = await apiContext(target.id, 70);
    assert.deepEqual(ids, [...around.before, around.entry, ...around.after].map((entry) => entry.id));
    const markerIds = lines.map((line) => line.id).filter((id) => ids.includes(id));
    for (const neighbour of [lines[TARGET - 1], lines[TARGET + 1]]) assert.ok(ids.includes(neighbour.id), 'a neighbour stored with it');
    assert.deepEqual(markerIds, [...markerIds].sort((a, b) => a - b));
    assert.equal(await list.locator('li[aria-current="true"]').count(), 1);

    await page.setViewportSize(PHONE);
    await current.scrollIntoViewIfNeeded();
    assert.ok((await sidewaysScroll()) <= 0, 'no sideways scroll at 390 px with a permalink open');
    await shot('33-log-viewer-permalink-phone.png');
    await page.setViewportSize(DESK);
    await page.getByRole('button', { name: 'Close' }).click();
    await page.waitForURL((url) => !url.searchParams.has('line'));
  });

  test('live tail receives new rows over the socket, filtered, without polling the API', async () => {
    await page.goto(`/logs?q=${marker}`);
    await page.getByText('200 entries loaded (all)').waitFor();
    /** @type {string[]} */
    const listReads = [];
    const onRequest = (/** @type {import('@playwright/test').Request} */ request) => {
      if (request.method() === 'GET' && new URL(request.url()).pathname === '/api/logs') listReads.push(request.url());
    };
    page.on('request', onRequest);
    await page.getByRole('checkbox', { name: 'Live tail' }).check();
    await page.getByText('Following new entries').waitFor();

    await store([{ message: `tail one ${marker}` }, { message: 'tail without the marker' }]);
    await rowWith(`tail one ${marker}`).waitFor({ timeout: 15_000 });
    // Longer than the old 2 s poll, twice over: no list read repeats while following.
    await page.waitForTimeout(4500);
    page.off('request', onRequest);
    assert.deepEqual(listReads, [], 'the tail asks the API nothing; the server pushes');
    assert.equal(await rowWith('tail without the marker').count(), 0, 'the text filter applies to pushed rows');
    await page.getByText('201 entries loaded (all) · 1 new').waitFor();
  });

  test('pause buffers and counts what arrived; resume shows each row once', async () => {
    await page.getByRole('button', { name: 'Pause' }).click();
    await store([
      { message: `held one ${marker}` },
      { message: `held two ${marker}`, level: 'ERROR' },
      { message: FORMULA },
    ]);
    const resume = page.getByRole('button', { name: '3 new, resume' });
    await resume.waitFor({ timeout: 15_000 });
    assert.equal(await rowWith(`held one ${marker}`).count(), 0, 'nothing shown while paused');
    await shot('34-log-viewer-live-tail-paused.png');

    await page.setViewportSize(PHONE);
    assert.ok((await sidewaysScroll()) <= 0, 'no sideways scroll at 390 px while paused');
    await shot('34-log-viewer-live-tail-paused-phone.png');
    await page.setViewportSize(DESK);

    await resume.click();
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    for (const message of [`held one ${marker}`, `held two ${marker}`, FORMULA]) {
      await expect(rowWith(message)).toHaveCount(1);
    }
    await page.getByText('204 entries loaded (all) · 4 new').waitFor();
    // Arrivals after resume land on top again, and nothing of the buffer comes twice.
    await store([{ message: `after resume ${marker}` }]);
    await rowWith(`after resume ${marker}`).waitFor({ timeout: 15_000 });
    await page.getByText('205 entries loaded (all) · 5 new').waitFor();
    await expect(rowWith(`held two ${marker}`)).toHaveCount(1);
    await page.getByRole('checkbox', { name: 'Live tail' }).uncheck();
  });

  test('downloads the filtered rows as NDJSON and CSV, formulas defused', async () => {
    const [ndjsonDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download NDJSON' }).click(),
    ]);
    assert.match(ndjsonDownload.suggestedFilename(), /^logs-beginning-\d{8}T\d{6}Z\.ndjson$/);
    const ndjson = (await readFile(await ndjsonDownload.path(), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(ndjson.length, 205);
    assert.ok(ndjson.every((row) => `${row.message}`.includes(marker)));
    assert.equal(ndjson[0].message, `after resume ${marker}`);
    assert.equal(ndjson.find((row) => row.message === `held two ${marker}`)?.level, 'ERROR');

    await page.goto(`/logs?q=${marker}&level=ERROR`);
    await page.getByText('1 entry loaded (all)').waitFor();
    const [errorsOnly] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download NDJSON' }).click(),
    ]);
    const errors = (await readFile(await errorsOnly.path(), 'utf8')).trim().split('\n');
    assert.deepEqual(errors.map((line) => JSON.parse(line).message), [`held two ${marker}`]);

    // The browser's rows only: text search reads payloads too, and the audit rows of the
    // downloads above hold the marker in their filter_query.
    await page.goto(`/logs?q=${marker}&source=ui`);
    await page.getByText('205 entries loaded (all)').waitFor();
    const [csvDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    assert.match(csvDownload.suggestedFilename(), /^logs-beginning-\d{8}T\d{6}Z\.csv$/);
    const csv = await readFile(await csvDownload.path(), 'utf8');
    const records = csv.trim().split('\r\n');
    assert.equal(records[0], 'id,ts,level,source,logger,event,message,correlation_id,strategy_id,actor,parse_error,truncated,ingested_at,payload');
    assert.equal(records.length, 206);
    assert.ok(csv.includes(`"'=HYPERLINK(""http://evil.example"") ${marker}"`), 'the formula is shown, not run');
    assert.ok(!/(^|,)=HYPERLINK/m.test(csv));
    assert.deepEqual(session.pageErrors, []);
  });
});
