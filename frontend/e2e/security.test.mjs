// Browser tests of sign-in, user management, password change and sign-out against the real
// stack: sessions the server can revoke, a socket authenticated without a token in its URL.
import assert from 'node:assert/strict';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { openPage, settings, uniqueId } from './browser.mjs';

const config = settings();
/** @type {Awaited<ReturnType<typeof openPage>>} */
let session;
/** @type {import('@playwright/test').Page} */
let page;
/** @type {import('@playwright/test').BrowserContext | null} */
let viewerContext = null;
/** @type {import('@playwright/test').Page} */
let viewerPage;

/** @param {import('@playwright/test').Page} target @param {string} name */
const shot = (target, name) => target.screenshot({ path: path.join(config.screenshotDir, name) });

const viewerName = uniqueId('e2e.viewer');
const firstPassword = `${uniqueId('pw')}-first`;
const secondPassword = `${uniqueId('pw')}-second`;

/** @param {import('@playwright/test').Page} target @param {string} username @param {string} password */
async function signIn(target, username, password) {
  await target.getByLabel('Username').fill(username);
  await target.getByLabel('Password').fill(password);
  await target.getByRole('button', { name: 'Sign in' }).click();
}

/** @param {import('@playwright/test').Page} target */
function storedSession(target) {
  return target.evaluate(() => JSON.parse(window.sessionStorage.getItem('dscp.session') ?? 'null'));
}

/**
 * Calls the API from the page with a given bearer token; returns the status.
 * @param {import('@playwright/test').Page} target @param {string} token @param {string} route
 */
function statusWithToken(target, token, route = '/api/auth/me') {
  return target.evaluate(
    async ({ bearer, url }) => (await fetch(url, { headers: { Authorization: `Bearer ${bearer}` } })).status,
    { bearer: token, url: route },
  );
}

/** @param {import('@playwright/test').Page} target @param {string} username */
const userCard = (target, username) => target.getByRole('listitem', { name: username, exact: true });

/** @param {string} username @param {string} buttonName @param {string} confirmLabel */
async function confirmAction(username, buttonName, confirmLabel) {
  await userCard(page, username).getByRole('button', { name: buttonName }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await dialog.getByRole('button', { name: confirmLabel, exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

// The tests of a file share one signed-in page, so they run in order and stop at the first failure.
test.describe.configure({ mode: 'serial', timeout: 180_000 });

test.describe('Sign-in, users and sessions in a real browser', () => {
  test.beforeAll(async ({ browser }) => {
    session = await openPage(browser, config);
    page = session.page;
  });

  test.afterAll(async () => {
    await viewerContext?.close();
    await session?.context.close();
  });

  test('sign-in says how long to wait once the server limits the attempts', async () => {
    await page.goto('/login');
    // An account that does not exist: the admin is not locked out for the tests that follow.
    const stranger = uniqueId('nobody');
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await signIn(page, stranger, `wrong-password-${attempt}`);
      await expect(async () => assert.equal(await page.getByRole('alert').textContent(), 'Wrong username or password.')).toPass();
      await page.getByRole('button', { name: 'Sign in' }).and(page.locator(':enabled')).waitFor();
    }
    await signIn(page, stranger, 'wrong-password-again');
    await expect(async () =>
      assert.match((await page.getByRole('alert').textContent()) ?? '', /^Too many attempts\. Try again in \d+ (seconds?|minutes?)\.$/),
    ).toPass();
    await shot(page, '20-sign-in-429.png');
  });

  test('an admin signs in; the live socket carries no credential in its URL', async () => {
    /** @type {string[]} */
    const socketUrls = [];
    page.on('websocket', (socket) => socketUrls.push(socket.url()));
    await signIn(page, config.username, config.password);
    await page.waitForURL('**/dashboard');
    await expect(async () => assert.equal(await page.getByRole('status', { name: 'Live updates' }).textContent(), 'Live')).toPass();
    const stored = await storedSession(page);
    assert.ok(stored.token && stored.refreshToken && stored.refreshExpiresAt > stored.expiresAt);
    assert.ok(socketUrls.length > 0, 'the dashboard opened the live-updates socket');
    for (const url of socketUrls) {
      assert.equal(new URL(url).search, '', `no query string on ${url}`);
      assert.ok(!url.includes(stored.token));
    }
  });

  test('the admin creates a viewer on the Users screen, after the form refused a bad name', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await page.waitForURL('**/users');
    await userCard(page, config.username).waitFor();
    await page.getByRole('button', { name: 'New user' }).click();
    const form = page.getByRole('form', { name: 'New user' });
    await form.getByLabel('Username').fill('.not valid');
    await form.getByLabel('Password').fill('short');
    await form.getByRole('button', { name: 'Create user' }).click();
    await form.getByText('Start with a letter or digit; then letters, digits and _ . @ - only.').waitFor();
    await form.getByText('At least 12 characters.').waitFor();

    await form.getByLabel('Username').fill(viewerName);
    await form.getByLabel('Password').fill(firstPassword);
    await form.getByLabel('Role').selectOption('viewer');
    await form.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('status').filter({ hasText: `Created ${viewerName} (viewer).` }).waitFor();
    const card = userCard(page, viewerName);
    await card.waitFor();
    assert.match((await card.textContent()) ?? '', /viewer/);
    assert.match((await card.textContent()) ?? '', /active/);
    await shot(page, '21-users.png');
  });

  test('the viewer signs in elsewhere and sees no controls, no Users entry, and "admins only" at /users', async () => {
    viewerContext = await session.browser.newContext({ baseURL: config.baseUrl, viewport: { width: 390, height: 844 } });
    viewerPage = await viewerContext.newPage();
    viewerPage.setDefaultTimeout(10_000);
    await viewerPage.goto('/login');
    await signIn(viewerPage, viewerName, firstPassword);
    await viewerPage.waitForURL('**/dashboard');
    await viewerPage.getByTestId('kill-switch-state').waitFor();
    assert.equal(await viewerPage.getByTestId('role').textContent(), 'viewer');
    for (const name of ['Start session', 'Trip kill switch', 'Re-arm', 'Pause', 'Stop', 'Panic close']) {
      assert.equal(await viewerPage.getByRole('button', { name, exact: true }).count(), 0, `no ${name} button`);
    }
    const nav = viewerPage.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Logs' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Users' }).count(), 0);

    await viewerPage.goto('/users');
    await viewerPage.getByText('Admins only: your account (viewer) cannot manage users.').waitFor();
    assert.equal(await viewerPage.getByRole('button', { name: 'New user' }).count(), 0);
    await shot(viewerPage, '22-users-viewer-390.png');
  });

  test('the viewer changes their password, is signed out with a notice, and signs in with the new one', async () => {
    const before = await storedSession(viewerPage);
    await viewerPage.getByRole('link', { name: `Signed in as ${viewerName}` }).click();
    await viewerPage.waitForURL('**/account');
    await viewerPage.getByLabel('Current password').fill('not-my-password');
    await viewerPage.getByLabel('New password', { exact: true }).fill(secondPassword);
    await viewerPage.getByLabel('New password again').fill(secondPassword);
    await viewerPage.getByRole('button', { name: 'Change password' }).click();
    await expect(async () => assert.match((await viewerPage.getByRole('alert').textContent()) ?? '', /wrong/i)).toPass();

    await viewerPage.getByLabel('Current password').fill(firstPassword);
    await viewerPage.getByRole('button', { name: 'Change password' }).click();
    await viewerPage.waitForURL('**/login');
    await viewerPage.getByText('Password changed. Sign in with your new password.').waitFor();
    assert.equal(await statusWithToken(viewerPage, before.token), 401, 'the old access token is revoked');

    await signIn(viewerPage, viewerName, firstPassword);
    await viewerPage.getByText('Wrong username or password.').waitFor();
    await signIn(viewerPage, viewerName, secondPassword);
    // Back to the page they were on.
    await viewerPage.waitForURL('**/account');
  });

  test("deactivating the viewer sends their open page to sign-in on its next request", async () => {
    await viewerPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Logs' }).click();
    await viewerPage.getByText(/entr(y|ies) loaded|No entries/).waitFor();
    const viewerToken = (await storedSession(viewerPage)).token;

    await page.reload();
    await confirmAction(viewerName, `Deactivate ${viewerName}`, 'Deactivate');
    await expect(async () => assert.match((await userCard(page, viewerName).textContent()) ?? '', /deactivated/)).toPass();
    assert.equal(await statusWithToken(page, viewerToken), 401, 'refused at once, on the very next request');

    await viewerPage.getByRole('button', { name: 'Refresh' }).click();
    await viewerPage.waitForURL('**/login');
    await viewerPage.getByText('Your session has expired. Please sign in again.').waitFor();
    await signIn(viewerPage, viewerName, secondPassword);
    await viewerPage.getByText('Wrong username or password.').waitFor();
  });

  test('the admin reactivates the viewer, who can sign in again; revoking their sessions signs them out', async () => {
    await confirmAction(viewerName, `Reactivate ${viewerName}`, 'Reactivate');
    await signIn(viewerPage, viewerName, secondPassword);
    await viewerPage.waitForURL('**/logs');
    await viewerPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
    await expect(async () =>
      assert.equal(await viewerPage.getByRole('status', { name: 'Live updates' }).textContent(), 'Live'),
    ).toPass();

    await page.reload();
    await confirmAction(viewerName, `Revoke sessions of ${viewerName}`, 'Revoke sessions');
    await page.getByRole('status').filter({ hasText: /^Revoked \d+ sessions? of / }).waitFor();
    // The dashboard's socket is closed by the server (4401) and the refresh is refused.
    await viewerPage.waitForURL('**/login', { timeout: 20_000 });
    await viewerPage.getByText('Your session has expired. Please sign in again.').waitFor();
  });

  test('signing out revokes the token: the old one gets 401 afterwards', async () => {
    const stored = await storedSession(page);
    assert.equal(await statusWithToken(page, stored.token), 200);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/login');
    await page.getByText('You have signed out.').waitFor();
    assert.equal(await page.evaluate(() => window.sessionStorage.getItem('dscp.session')), null);
    assert.equal(await statusWithToken(page, stored.token), 401);
    const refreshed = await page.evaluate(
      async (refreshToken) =>
        (
          await fetch('/api/auth/refresh', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ refresh_token: refreshToken }),
          })
        ).status,
      stored.refreshToken,
    );
    assert.equal(refreshed, 401, 'the refresh token is revoked with the session');
    assert.deepEqual(session.pageErrors, []);
  });
});
