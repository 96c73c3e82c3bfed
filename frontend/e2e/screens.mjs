// The screens of the SPA in one list, for every browser test and tour that visits them all:
// a screen added to the app is one entry here.
/** @typedef {import('@playwright/test').Page} Page */

/** The two sizes every screen must be usable at: a desk and a phone. */
export const WIDTHS = [
  { label: '1440', viewport: { width: 1440, height: 900 } },
  { label: '390', viewport: { width: 390, height: 844 } },
];

/** What the caller created for the screens to show (e2e/seed.mjs): a running paper session. */
/** @typedef {{ sessionId: number }} Seeded */
/**
 * A signed-in screen: its route and the tab's title (each a function of the seeded data for a
 * route with an id, e.g. `({ sessionId }) => \`/sessions/${sessionId}\``), its level-1 heading,
 * and `ready`, which waits for what is there with or without data (the tour waits for more).
 * @typedef {{ name: string, route: string | ((seeded: Seeded) => string), title: string | ((seeded: Seeded) => string), heading: string | RegExp, ready: (page: Page) => Promise<unknown> }} Screen
 */

/** @type {Screen[]} */
export const SCREENS = [
  {
    name: 'dashboard',
    route: '/dashboard',
    title: 'Dashboard',
    heading: 'Dashboard',
    ready: (/** @type {Page} */ page) => page.getByTestId('kill-switch-state').waitFor(),
  },
  {
    name: 'strategies',
    route: '/strategies',
    title: 'Strategies',
    heading: 'Strategies',
    ready: (/** @type {Page} */ page) =>
      page.getByRole('table', { name: 'Strategies' }).or(page.getByText('No strategy yet')).first().waitFor(),
  },
  {
    name: 'analytics',
    route: '/analytics?preset=today',
    title: 'Analytics',
    heading: 'Advanced Analytics',
    ready: (/** @type {Page} */ page) => page.getByLabel('Metrics').waitFor(),
  },
  {
    name: 'logs',
    route: '/logs',
    title: 'Logs',
    heading: 'Log Viewer',
    ready: (/** @type {Page} */ page) => page.getByText(/entr(y|ies) loaded|No log entry/).first().waitFor(),
  },
  {
    name: 'users',
    route: '/users',
    title: 'Users',
    heading: 'Users',
    ready: (/** @type {Page} */ page) => page.getByRole('list', { name: 'Users' }).waitFor(),
  },
  {
    name: 'system',
    route: '/system',
    title: 'System',
    heading: 'System',
    ready: (/** @type {Page} */ page) => page.getByRole('region', { name: 'Readiness' }).waitFor(),
  },
  {
    name: 'backtests',
    route: '/backtests',
    title: 'Backtests',
    heading: 'Backtests',
    ready: (/** @type {Page} */ page) =>
      page.getByRole('button', { name: 'Run backtest' }).or(page.getByText('No strategy to backtest yet')).first().waitFor(),
  },
  {
    name: 'session',
    route: ({ sessionId }) => `/sessions/${sessionId}`,
    title: ({ sessionId }) => `Session ${sessionId}`,
    heading: / · session \d+$/,
    ready: (/** @type {Page} */ page) => page.getByRole('region', { name: 'Summary' }).waitFor(),
  },
  { name: 'account', route: '/account', title: 'Your account', heading: 'Your account', ready: async () => {} },
];

/** The one screen before sign-in. */
export const SIGN_IN = { name: 'sign-in', route: '/login', title: 'Sign in', heading: 'Delta Strangle Control Plane' };

/** Signs in through the form and waits for the dashboard. @param {Page} page @param {{ username: string, password: string }} user */
export async function signIn(page, user) {
  await page.goto(SIGN_IN.route);
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The first sign-in of the suite follows the stack test's bulk write of 5,000,000 log rows.
  await page.waitForURL('**/dashboard', { timeout: 30_000 });
}

/** The screen's route for the seeded data. @param {Screen} screen @param {Seeded} seeded */
export function routeOf(screen, seeded) {
  return typeof screen.route === 'function' ? screen.route(seeded) : screen.route;
}

/** The screen's tab title for the seeded data. @param {Screen} screen @param {Seeded} seeded */
export function titleOf(screen, seeded) {
  return typeof screen.title === 'function' ? screen.title(seeded) : screen.title;
}

/** Opens a signed-in screen and waits until it has rendered for the user's role. @param {Page} page @param {Screen} screen @param {Seeded} seeded */
export async function openScreen(page, screen, seeded) {
  await page.goto(routeOf(screen, seeded));
  await page.getByRole('heading', { name: screen.heading, level: 1 }).waitFor({ state: 'attached' });
  // The role decides the nav and the controls: wait for /api/auth/me, not only for the route.
  await page.getByTestId('role').waitFor();
  await screen.ready(page);
}

/** How many pixels the page scrolls sideways (0 when it fits). @param {Page} page */
export function sidewaysOverflow(page) {
  return page.evaluate(() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth));
}
