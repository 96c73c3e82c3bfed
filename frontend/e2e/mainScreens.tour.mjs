// Not a test: screenshots of the main screens at a desk (1440 px) and a phone (390 px) width
// against a running stack, for docs/screenshots (`npm run screenshots`). It leaves a strategy
// and a panic-closed paper session behind, so point it at a throwaway stack.
import path from 'node:path';
import { test } from '@playwright/test';
import { openPage, settings, uniqueId } from './browser.mjs';

const config = settings();
const WIDTHS = [
  { label: '1440', viewport: { width: 1440, height: 900 } },
  { label: '390', viewport: { width: 390, height: 844 } },
];
/** @typedef {import('@playwright/test').Page} Page */

/** Route, the heading that says it has rendered, and what else must be there before the shot. */
const SCREENS = [
  {
    name: 'dashboard',
    route: '/dashboard',
    heading: 'Dashboard',
    ready: (/** @type {Page} */ page) => page.getByRole('table', { name: /^Position of session/ }).first().waitFor({ timeout: 60_000 }),
  },
  {
    name: 'strategies',
    route: '/strategies',
    heading: 'Strategies',
    ready: (/** @type {Page} */ page) => page.getByRole('table', { name: 'Strategies' }).waitFor(),
  },
  {
    name: 'analytics',
    route: '/analytics?preset=today',
    heading: 'Advanced Analytics',
    ready: (/** @type {Page} */ page) => page.getByLabel('Metrics').waitFor(),
  },
  {
    name: 'logs',
    route: '/logs',
    heading: 'Log Viewer',
    ready: (/** @type {Page} */ page) => page.getByText(/entr(y|ies) loaded/).waitFor(),
  },
  {
    name: 'users',
    route: '/users',
    heading: 'Users',
    ready: (/** @type {Page} */ page) => page.getByRole('listitem', { name: config.username, exact: true }).waitFor(),
  },
  {
    name: 'system',
    route: '/system',
    heading: 'System',
    ready: (/** @type {Page} */ page) => page.getByRole('region', { name: 'Readiness' }).waitFor(),
  },
  { name: 'account', route: '/account', heading: 'Your account', ready: async () => {} },
];

/** @param {Page} page */
async function signIn(page) {
  await page.goto('/login');
  await page.getByLabel('Username').fill(config.username);
  await page.getByLabel('Password').fill(config.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/dashboard');
}

/** A strategy with an open paper position, so the dashboard and analytics have something to show. */
async function startPaperSession(/** @type {Page} */ page) {
  await page.evaluate(async (name) => {
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
    await post(`/api/strategies/${strategy.id}/sessions`, { mode: 'paper', enter_now: true });
  }, `BTC daily ${uniqueId('').slice(-3)}`);
}

test.describe.configure({ timeout: 300_000 });

test('main screens at desk and phone widths', async ({ browser }) => {
  for (const [index, width] of WIDTHS.entries()) {
    const { context, page } = await openPage(browser, config);
    await page.setViewportSize(width.viewport);
    const shot = (/** @type {string} */ name) =>
      page.screenshot({ path: path.join(config.screenshotDir, `main-${name}-${width.label}.png`) });
    try {
      await page.goto('/login');
      await page.getByRole('heading', { name: 'Delta Strangle Control Plane' }).waitFor();
      await shot('sign-in');
      await signIn(page);
      if (index === 0) await startPaperSession(page);
      for (const screen of SCREENS) {
        await page.goto(screen.route);
        await page.getByRole('heading', { name: screen.heading, level: 1 }).waitFor({ state: 'attached' });
        // The role decides the nav and the controls: wait for /api/auth/me, not only for the route.
        await page.getByTestId('role').waitFor();
        await screen.ready(page);
        await shot(screen.name);
      }
    } finally {
      await context.close();
    }
  }
});
