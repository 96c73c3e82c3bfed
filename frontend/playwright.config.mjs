// The browser tests (e2e/) against a running stack: Debian's Chromium, no browser download.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'e2e',
  // The tests; `--project=screenshots` runs the screenshot tour (e2e/*.tour.mjs) instead.
  projects: [
    { name: 'browser-tests', testMatch: '*.test.mjs' },
    { name: 'screenshots', testMatch: '*.tour.mjs' },
  ],
  // One stack, one admin: the files run one after another, as a user would.
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results',
  // A retried check (`expect(fn).toPass()`) gets 15 s: the log tailer ingests within a second or two.
  // Other expectations get 15 s too, not 5: in CI the stack shares 2 cores with six scenarios.
  expect: { timeout: 15_000, toPass: { timeout: 15_000, intervals: [500] } },
  use: {
    launchOptions: {
      executablePath: process.env.E2E_CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
