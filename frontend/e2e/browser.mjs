// Shared set-up for the browser tests: settings from the environment and a page of their own.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const frontendDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** @param {string} name */
function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set for the browser tests`);
  return value;
}

export function settings() {
  return {
    baseUrl: (process.env.E2E_BASE_URL ?? 'http://127.0.0.1:4173').replace(/\/+$/, ''),
    username: required('E2E_ADMIN_USERNAME'),
    password: required('E2E_ADMIN_PASSWORD'),
    screenshotDir: path.resolve(frontendDir, process.env.E2E_SCREENSHOT_DIR ?? '../docs/screenshots'),
  };
}

/**
 * A context and page on the runner's browser (Debian's Chromium, see playwright.config.mjs) that
 * a file's tests share, and the page errors it saw.
 * @param {import('@playwright/test').Browser} browser
 * @param {ReturnType<typeof settings>} config
 * @param {import('@playwright/test').BrowserContextOptions} [contextOptions] e.g. another viewport or time zone
 */
export async function openPage(browser, config, contextOptions = {}) {
  mkdirSync(config.screenshotDir, { recursive: true });
  const context = await browser.newContext({
    baseURL: config.baseUrl,
    viewport: { width: 1280, height: 800 },
    ...contextOptions,
  });
  const page = await context.newPage();
  // Fail a step in seconds rather than Playwright's 30 s default, so a broken stack ends soon.
  page.setDefaultTimeout(10_000);
  /** @type {string[]} */
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { browser, context, page, pageErrors };
}

/** @param {string} prefix */
export function uniqueId(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
