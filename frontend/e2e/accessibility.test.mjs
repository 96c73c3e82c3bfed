// Every screen at a desk and a phone width: no serious or critical axe-core violation, no
// sideways scroll, and the tab named after the screen. The routes come from screens.mjs.
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { test } from '@playwright/test';
import { openPage, settings } from './browser.mjs';
import { openScreen, routeOf, SCREENS, SIGN_IN, sidewaysOverflow, signIn, titleOf, WIDTHS } from './screens.mjs';
import { startPaperSession } from './seed.mjs';

const config = settings();
const APP_NAME = 'Delta Strangle Control Plane';
const BLOCKING = new Set(['serious', 'critical']);

/**
 * The serious and critical violations on the page, one readable paragraph each (rule, impact,
 * help and every offending element with axe's summary of what to fix), or '' when there are none.
 * @param {import('@playwright/test').Page} page
 */
async function blockingViolations(page) {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return violations
    .filter((violation) => BLOCKING.has(violation.impact ?? ''))
    .map((violation) =>
      [
        `${violation.id} (${violation.impact}): ${violation.help} ${violation.helpUrl}`,
        ...violation.nodes.map((node) => `  ${node.target.join(' ')}\n    ${node.failureSummary?.replaceAll('\n', '\n    ')}`),
      ].join('\n'),
    )
    .join('\n\n');
}

/**
 * What is wrong with the screen on the page, as one paragraph, or '' when nothing is.
 * @param {import('@playwright/test').Page} page @param {string} where @param {string} title
 */
async function problemsOf(page, where, title) {
  const problems = [];
  const violations = await blockingViolations(page);
  if (violations) problems.push(`axe-core:\n${violations}`);
  const overflow = await sidewaysOverflow(page);
  if (overflow > 0) problems.push(`the page scrolls ${overflow} px sideways`);
  const expectedTitle = `${title} · ${APP_NAME}`;
  if ((await page.title()) !== expectedTitle) problems.push(`the tab reads "${await page.title()}", not "${expectedTitle}"`);
  return problems.length === 0 ? '' : `${where}:\n${problems.join('\n')}`;
}

// Not serial: the phone width is checked even when the desk width fails.
test.describe.configure({ timeout: 300_000 });

// Both widths in the light theme, and the dark theme's colours once (contrast does not depend on the width).
const RUNS = [
  ...WIDTHS.map((width) => ({ width, colorScheme: /** @type {const} */ ('light') })),
  { width: WIDTHS[0], colorScheme: /** @type {const} */ ('dark') },
];

for (const { width, colorScheme } of RUNS) {
  test(`every screen at ${width.label} px, ${colorScheme} theme: no serious or critical axe violation, no sideways scroll, its own title`, async ({ browser }) => {
    const { context, page, pageErrors } = await openPage(browser, config);
    try {
      await page.setViewportSize(width.viewport);
      // The app follows the system's scheme until the user picks a theme.
      await page.emulateMedia({ colorScheme });
      await page.goto(SIGN_IN.route);
      await page.getByRole('heading', { name: SIGN_IN.heading }).waitFor();
      // Every screen is checked before the test fails, so one run lists everything to fix.
      const problems = [await problemsOf(page, `${SIGN_IN.route} at ${width.label} px`, SIGN_IN.title)];
      await signIn(page, config);
      // A running session with a position: the dashboard's cards and phone controls, analytics' figures.
      const seeded = { sessionId: await startPaperSession(page) };
      for (const screen of SCREENS) {
        await openScreen(page, screen, seeded);
        if (screen.name === 'dashboard') await page.getByRole('article', { name: new RegExp(`session ${seeded.sessionId}$`) }).waitFor();
        problems.push(await problemsOf(page, `${routeOf(screen, seeded)} at ${width.label} px`, titleOf(screen, seeded)));
      }
      const report = problems.filter(Boolean).join('\n\n');
      assert.ok(report === '', report);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });
}
