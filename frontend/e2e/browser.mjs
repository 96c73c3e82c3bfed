// Shared set-up for the browser tests: settings from the environment and a Chromium page.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

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
    chromiumPath: process.env.E2E_CHROMIUM_PATH ?? '/usr/bin/chromium',
  };
}

/** @param {ReturnType<typeof settings>} config */
export async function openBrowser(config) {
  mkdirSync(config.screenshotDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: config.chromiumPath,
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
  });
  const context = await browser.newContext({ baseURL: config.baseUrl, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  // Fail a step in seconds rather than Playwright's 30 s default, so a broken stack ends soon.
  page.setDefaultTimeout(10_000);
  /** @type {string[]} */
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { browser, context, page, pageErrors };
}

/**
 * Retries `check` until it stops throwing (the log tailer ingests within a second or two).
 * @template T
 * @param {() => Promise<T>} check
 */
export async function eventually(check, { timeoutMs = 15_000, intervalMs = 500 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

/** @param {string} prefix */
export function uniqueId(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
