/**
 * What the browser tests share: settings from the environment, Debian's
 * Chromium through playwright-core, the login, and a counter of /api requests.
 */
import { chromium } from 'playwright-core';

export const BASE_URL = (process.env.E2E_BASE_URL ?? 'http://127.0.0.1:5173').replace(/\/$/, '');
export const EMAIL = process.env.COSTWATCH_ADMIN_EMAIL ?? 'admin@example.com';
export const PASSWORD = process.env.COSTWATCH_ADMIN_PASSWORD ?? 'costwatch-demo';
export const TIMEOUT = 15_000;
/** API requests allowed per page load: a regression to whole-table downloads goes far past it. */
export const MAX_REQUESTS = Number(process.env.E2E_MAX_REQUESTS ?? 10);

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

export async function login(page) {
  await page.goto(`${BASE_URL}/login`);
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel(/^Password/).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
}

/** Count the page's /api requests from now on; `stop()` returns them as "GET /api/...?..." lines. */
export function countRequests(page) {
  const paths = [];
  const listener = (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/')) paths.push(`${request.method()} ${url.pathname}${url.search}`);
  };
  page.on('request', listener);
  return {
    stop() {
      page.off('request', listener);
      return paths;
    },
  };
}

/** Resolves once no loader (`role="status"`) is left on the page. */
export function noLoaders(page, timeout = TIMEOUT) {
  return page.waitForFunction(() => document.querySelectorAll('[role="status"]').length === 0, null, { timeout });
}
