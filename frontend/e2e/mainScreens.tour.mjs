// Not a test: screenshots of the main screens at a desk (1440 px) and a phone (390 px) width
// against a running stack, for docs/screenshots (`npm run screenshots`). It leaves a strategy
// and a panic-closed paper session behind, so point it at a throwaway stack.
import path from 'node:path';
import { test } from '@playwright/test';
import { openPage, settings } from './browser.mjs';
import { openScreen, SCREENS, SIGN_IN, signIn, WIDTHS } from './screens.mjs';
import { startPaperSession } from './seed.mjs';

const config = settings();
/** @typedef {import('@playwright/test').Page} Page */

/** What the shot should show beyond what makes a screen ready: the dashboard's open position. */
/** @type {Record<string, (page: Page) => Promise<void>>} */
const SHOWS = {
  dashboard: (/** @type {Page} */ page) =>
    page.getByRole('table', { name: /^Position of session/ }).first().waitFor({ timeout: 60_000 }),
};

test.describe.configure({ timeout: 300_000 });

test('main screens at desk and phone widths', async ({ browser }) => {
  /** @type {import('./screens.mjs').Seeded | undefined} */
  let seeded;
  for (const width of WIDTHS) {
    const { context, page } = await openPage(browser, config);
    await page.setViewportSize(width.viewport);
    const shot = (/** @type {string} */ name) =>
      page.screenshot({ path: path.join(config.screenshotDir, `main-${name}-${width.label}.png`) });
    try {
      await page.goto(SIGN_IN.route);
      await page.getByRole('heading', { name: SIGN_IN.heading }).waitFor();
      await shot(SIGN_IN.name);
      await signIn(page, config);
      seeded ??= { sessionId: await startPaperSession(page) };
      for (const screen of SCREENS) {
        await openScreen(page, screen, seeded);
        await SHOWS[screen.name]?.(page);
        await shot(screen.name);
      }
    } finally {
      await context.close();
    }
  }
});
