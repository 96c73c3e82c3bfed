// The screens of the SPA in one list, for every browser test and tour that visits them all:
// a screen added to the app is one entry here.
/** @typedef {import('@playwright/test').Page} Page */

/** The two sizes every screen must be usable at: a desk and a phone. */
export const WIDTHS = [
  { label: '1440', viewport: { width: 1440, height: 900 } },
  { label: '390', viewport: { width: 390, height: 844 } },
];

/**
 * Signed-in screens: route, the tab's title, its level-1 heading, and what says its data has loaded.
 * `ready` waits only for what is there with or without data (the tour waits for more).
 */
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
  await page.waitForURL('**/dashboard');
}

/** Opens a signed-in screen and waits until it has rendered for the user's role. @param {Page} page @param {typeof SCREENS[number]} screen */
export async function openScreen(page, screen) {
  await page.goto(screen.route);
  await page.getByRole('heading', { name: screen.heading, level: 1 }).waitFor({ state: 'attached' });
  // The role decides the nav and the controls: wait for /api/auth/me, not only for the route.
  await page.getByTestId('role').waitFor();
  await screen.ready(page);
}

/** How many pixels the page scrolls sideways (0 when it fits). @param {Page} page */
export function sidewaysOverflow(page) {
  return page.evaluate(() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth));
}
