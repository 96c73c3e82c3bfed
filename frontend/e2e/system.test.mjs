// Browser test of the System screen against the real stack: the backend's readiness and figures
// (its container's cgroup included), refreshed live, and the host's last deployments.
import assert from 'node:assert/strict';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { openPage, settings } from './browser.mjs';

const config = settings();
/** @type {Awaited<ReturnType<typeof openPage>>} */
let session;
/** @type {import('@playwright/test').Page} */
let page;

/** @param {string} name */
const shot = (name) => page.screenshot({ path: path.join(config.screenshotDir, name), fullPage: true });

/** GET an API route from the page with the signed-in user's token. @param {string} route */
function apiGet(route) {
  return page.evaluate(async (url) => {
    const stored = JSON.parse(window.sessionStorage.getItem('dscp.session') ?? '{}');
    const answer = await fetch(url, { headers: { Authorization: `Bearer ${stored.token}` } });
    return answer.json();
  }, route);
}

test.describe.configure({ mode: 'serial', timeout: 120_000 });

test.describe('System screen in a real browser', () => {
  test.beforeAll(async ({ browser }) => {
    session = await openPage(browser, config);
    page = session.page;
  });

  test.afterAll(async () => {
    await session?.context.close();
  });

  test('shows the release, readiness and the container figures, and refreshes on its own', async () => {
    await page.goto('/login');
    await page.getByLabel('Username').fill(config.username);
    await page.getByLabel('Password').fill(config.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/dashboard');
    await page.getByRole('link', { name: 'System', exact: true }).click();
    await page.waitForURL('**/system');
    await page.getByRole('heading', { name: 'System' }).waitFor();

    const readiness = page.getByRole('region', { name: 'Readiness' });
    const health = await apiGet('/api/health/detail');
    await readiness.getByText(health.reasons.length === 0 ? 'Ready' : 'Not ready', { exact: true }).waitFor();
    await readiness.getByText(health.version.slice(0, 12)).waitFor();
    assert.equal(await page.title(), 'System · Delta Strangle Control Plane');
    // Read from the backend container's cgroup: its memory against the compose file's limit.
    const container = page.getByRole('region', { name: 'Backend container' });
    await container.getByText(/ of \d+(\.\d)? MiB$/).waitFor();
    await page.getByRole('region', { name: 'Disks' }).getByText('data/ used').waitFor();

    const checked = readiness.getByText(/^checked /);
    const first = await checked.textContent();
    await expect(async () => assert.notEqual(await checked.textContent(), first)).toPass();
    await shot('23-system.png');
  });

  test('lists the last deployments the host recorded, newest first', async () => {
    const history = await apiGet('/api/health/deployments?limit=10');
    const region = page.getByRole('region', { name: 'Deployments' });
    if (history.records.length === 0) {
      await region.getByText(/No deployment recorded on this host yet/).waitFor();
      return;
    }
    const rows = region.getByRole('table', { name: 'Last deployments' }).getByRole('row');
    await expect(rows).toHaveCount(history.records.length + 1);
    await rows.nth(1).getByText(history.records[0].to_sha.slice(0, 12)).waitFor();
  });

  test('fits a phone: no sideways scroll, the table scrolls in its own box', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('region', { name: 'Readiness' }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page scrolls ${overflow} px sideways at 390 px`);
    await shot('24-system-phone.png');
    assert.deepEqual(session.pageErrors, []);
  });
});
