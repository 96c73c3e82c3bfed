// Browser test of searching a day of archived log rows, loaded back with
// `control-plane logs import-archive DAY`, in the Log Viewer (Rows: Archived). The runner archives
// and loads the day first (tests/stack does) and names it and its rows in the environment.
import assert from 'node:assert/strict';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { openPage, settings } from './browser.mjs';

const config = settings();
const day = process.env.E2E_ARCHIVED_DAY;
/** A word every archived row's message holds, and those messages, oldest first. */
const word = process.env.E2E_ARCHIVED_WORD ?? '';
/** @type {string[]} */
const messages = JSON.parse(process.env.E2E_ARCHIVED_MESSAGES ?? '[]');
/** @type {Awaited<ReturnType<typeof openPage>>} */
let session;
/** @type {import('@playwright/test').Page} */
let page;

test.describe.configure({ mode: 'serial', timeout: 120_000 });

test.describe('Archived log rows in a real browser', () => {
  test.skip(!day, 'E2E_ARCHIVED_DAY, E2E_ARCHIVED_WORD and E2E_ARCHIVED_MESSAGES name a day loaded back');

  test.beforeAll(async ({ browser }) => {
    session = await openPage(browser, config);
    page = session.page;
    await page.goto('/login');
    await page.getByLabel('Username').fill(config.username);
    await page.getByLabel('Password').fill(config.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/dashboard');
  });

  test.afterAll(async () => {
    await session?.context.close();
  });

  test('finds the rows of a day loaded back by text, newest first, with their archived context', async () => {
    await page.goto('/logs');
    await page.getByLabel('Text search').fill(word);
    await page.getByRole('combobox', { name: /^Rows/ }).selectOption('archived');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.get('archived') === 'true' && url.searchParams.get('q') !== null);
    await page.getByText(`${messages.length} entries loaded (all)`).waitFor();

    const rows = page.getByRole('row').filter({ hasText: word });
    await expect(rows).toHaveCount(messages.length);
    const shown = await rows.allTextContents();
    // Newest first, each message once, and each row of the archived day.
    [...messages].reverse().forEach((message, index) => {
      assert.ok(shown[index].includes(message), `row ${index} is "${message}": ${shown[index]}`);
      assert.ok(shown[index].includes(day ?? ''), `row ${index} is of ${day}`);
    });

    await rows.first().getByRole('button', { name: /^Show details of entry/ }).click();
    const anchor = page.locator('li[aria-current="true"]');
    await anchor.waitFor();
    assert.match((await anchor.textContent()) ?? '', new RegExp(messages.at(-1) ?? ''));
    // Its context is the archived rows around it: the day's other rows, not stored ones.
    await page.getByRole('listitem').filter({ hasText: messages[0] }).first().waitFor();
    await page.screenshot({ path: path.join(config.screenshotDir, 'log-viewer-archived.png') });
  });

  test('the same search over the stored rows finds none: retention deleted them', async () => {
    await page.getByRole('combobox', { name: /^Rows/ }).selectOption('stored');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.get('archived') === null);
    await page.getByText('No entries match these filters.').waitFor();
    assert.deepEqual(session.pageErrors, []);
  });
});
