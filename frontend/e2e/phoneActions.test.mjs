// The dashboard on a phone: a session's pause, stop and panic, and the kill switch, one tap away
// at the bottom of the screen wherever the page is scrolled (the destructive ones ask first).
import assert from 'node:assert/strict';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { openPage, settings } from './browser.mjs';
import { openScreen, SCREENS, sidewaysOverflow, signIn, WIDTHS } from './screens.mjs';
import { startPaperSession } from './seed.mjs';

const config = settings();
const PHONE = WIDTHS.find((width) => width.label === '390') ?? WIDTHS[0];
const DASHBOARD = SCREENS.find((screen) => screen.name === 'dashboard') ?? SCREENS[0];

test.describe.configure({ timeout: 180_000 });

test('on a phone the dashboard keeps pause, stop, panic and the kill switch one tap away', async ({ browser }) => {
  const { context, page, pageErrors } = await openPage(browser, config);
  try {
    await page.setViewportSize(PHONE.viewport);
    await signIn(page, config);
    const sessionId = await startPaperSession(page);
    await openScreen(page, DASHBOARD, { sessionId });
    const card = page.getByRole('article', { name: new RegExp(`session ${sessionId}$`) });
    await card.getByRole('table', { name: `Position of session ${sessionId}` }).waitFor({ timeout: 60_000 });
    const bar = page.getByRole('region', { name: 'Quick controls' });
    // With other sessions running the bar offers a choice; this test's session is picked there.
    const picker = bar.getByLabel('Session the buttons act on');
    if (await picker.isVisible()) await picker.selectOption(String(sessionId));
    await bar.getByText(`session ${sessionId}`).first().waitFor({ state: 'attached' });

    // Reachable at the top and at the bottom of a page longer than the screen.
    for (const end of ['bottom', 'top']) {
      await page.locator('#main').evaluate((main, where) => main.scrollTo(0, where === 'top' ? 0 : main.scrollHeight), end);
      for (const name of ['Pause', 'Stop', 'Panic', 'Kill switch']) {
        await expect(bar.getByRole('button', { name, exact: true })).toBeInViewport({ ratio: 1 });
      }
    }
    assert.equal(await sidewaysOverflow(page), 0);
    await page.screenshot({ path: path.join(config.screenshotDir, '35-dashboard-phone-actions.png') });

    const status = card.getByTestId('session-status');
    await bar.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect(status).toHaveText('Paused');
    await bar.getByRole('button', { name: 'Resume', exact: true }).click();
    await expect(status).toHaveText('Running');

    // The kill switch asks first, as on its panel; cancelled here, the trading tests trip it.
    await bar.getByRole('button', { name: 'Kill switch', exact: true }).click();
    const trip = page.getByRole('dialog', { name: 'Trip the kill switch?' });
    await trip.getByRole('button', { name: 'Cancel' }).click();
    await expect(trip).toHaveCount(0);
    assert.equal(await page.getByTestId('kill-switch-state').textContent(), 'Armed');

    await bar.getByRole('button', { name: 'Panic', exact: true }).click();
    const panic = page.getByRole('dialog', { name: 'Panic-close this session?' });
    await panic.getByText(`session ${sessionId}`).waitFor();
    await panic.getByRole('button', { name: 'Panic close' }).click();
    // Ended: it leaves the live cards for the recently ended table.
    await expect(card).toHaveCount(0);
    await page
      .getByRole('table', { name: 'Recently ended' })
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: String(sessionId), exact: true }) })
      .getByText('Panic-closed')
      .waitFor();
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});
