/**
 * Page timings in Chromium against a running CostWatch (e.g. on the large
 * benchmark data set): every page is loaded afresh (a full navigation, the app's
 * code already cached) and timed until its main content is visible, with its
 * /api requests counted. Prints a table; fails when a page is over the time
 * budget or over the request bound.
 *
 *   npm run e2e:perf
 *
 *   E2E_BASE_URL             default http://127.0.0.1:5173 (vite preview or dev, proxying /api)
 *   COSTWATCH_ADMIN_EMAIL    default admin@example.com
 *   COSTWATCH_ADMIN_PASSWORD default costwatch-demo
 *   CHROMIUM_PATH            default /usr/bin/chromium
 *   PERF_BUDGET_MS           default 2000: the slowest a page may be (its median over the runs)
 *   PERF_RUNS                default 3: loads per page
 *   E2E_MAX_REQUESTS         default 10: API requests allowed per page load
 *
 * Not part of scripts/test-frontend.sh: it measures, and measures best on big data.
 */
import assert from 'node:assert/strict';
import {
  after, before, describe, test,
} from 'node:test';
import {
  BASE_URL, countRequests, launchBrowser, login, MAX_REQUESTS, noLoaders, TIMEOUT,
} from './browser.mjs';

const BUDGET_MS = Number(process.env.PERF_BUDGET_MS ?? 2000);
const RUNS = Math.max(1, Number(process.env.PERF_RUNS ?? 3));

/** Resolves when the visible part of a table has rows (or says it has none). */
async function tableShown(page, name) {
  const table = page.getByRole('table', { name });
  await table.first().waitFor({ state: 'visible' });
  await noLoaders(page);
}

/** One page to time: where it is, and what "its main content is visible" means. */
const PAGES = [
  {
    name: 'dashboard',
    path: '/',
    async ready(page) {
      await page.getByRole('img', { name: /Monthly spend by category/ }).waitFor({ state: 'visible' });
      await page.getByRole('region', { name: 'Spend this month' }).getByText(/\d/).first().waitFor();
      await noLoaders(page);
    },
  },
  { name: 'services', path: '/services', ready: (page) => tableShown(page, 'Services') },
  { name: 'licenses', path: '/licenses', ready: (page) => tableShown(page, 'License plans') },
  {
    name: 'usage',
    path: '/usage',
    async ready(page) {
      await page.getByRole('region').first().waitFor({ state: 'visible' });
      await noLoaders(page);
    },
  },
  {
    name: 'usage, one section opened',
    path: '/usage',
    async ready(page) {
      await page.getByRole('button', { name: 'Top-ups and consumption' }).first().click();
      await tableShown(page, / top-ups and consumption$/);
    },
  },
  {
    name: 'settings',
    path: '/settings',
    async ready(page) {
      await page.getByRole('button', { name: 'Change password' }).waitFor({ state: 'visible' });
      await page.getByText(/Signed in as /).waitFor();
    },
  },
];

/** One service detail page per category (infrastructure, license, usage), found through the API. */
async function detailPages(page) {
  const found = await page.evaluate(async () => {
    const headers = { Authorization: `Bearer ${window.localStorage.getItem('costwatch.token')}` };
    const get = async (path) => (await fetch(`/api${path}`, { headers })).json();
    const categories = await get('/categories');
    const services = await Promise.all(categories.map(async (category) => {
      const [service] = await get(`/service?category_id=${category.id}&active=true&limit=1`);
      return service ? { code: category.code, id: service.id } : null;
    }));
    return services.filter(Boolean);
  });
  const sections = { infrastructure: 'Invoices', license: 'License plans', usage: 'Top-ups and consumption' };
  return found.map(({ code, id }) => ({
    name: `service detail (${code})`,
    path: `/services/${id}`,
    async ready(p) {
      await p.getByRole('heading', { level: 1 }).waitFor({ state: 'visible' });
      await tableShown(p, sections[code] ?? /./);
    },
  }));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

describe(`CostWatch page timings (${BASE_URL})`, () => {
  let browser;
  let page;
  const errors = [];

  before(async () => {
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await login(page);
  });

  after(async () => {
    await browser?.close();
  });

  test(`every page shows its content within ${BUDGET_MS} ms and ${MAX_REQUESTS} API requests`, async () => {
    const pages = [...PAGES.slice(0, 2), ...(await detailPages(page)), ...PAGES.slice(2)];
    // Warm the browser cache with every page's code once, untimed.
    for (const { path, ready } of pages) {
      await page.goto(`${BASE_URL}${path}`);
      await ready(page);
    }

    const rows = [];
    for (const { name, path, ready } of pages) {
      const times = [];
      let requests = [];
      for (let run = 0; run < RUNS; run += 1) {
        const counter = countRequests(page);
        const started = performance.now();
        await page.goto(`${BASE_URL}${path}`, { waitUntil: 'commit' });
        await ready(page);
        times.push(Math.round(performance.now() - started));
        requests = counter.stop();
      }
      rows.push({
        page: name,
        path,
        'median ms': median(times),
        'max ms': Math.max(...times),
        requests: requests.length,
        requestList: requests,
      });
    }

    console.log(`\nTime to main content (${RUNS} runs each) and API requests per page load:`);
    console.table(rows.map(({ requestList, ...row }) => row));
    const slow = rows.filter((row) => row['median ms'] > BUDGET_MS);
    const chatty = rows.filter((row) => row.requests > MAX_REQUESTS);
    chatty.forEach((row) => console.log(`${row.page}:\n  ${row.requestList.join('\n  ')}`));
    assert.deepEqual(slow.map((row) => `${row.page}: ${row['median ms']} ms`), [], `pages over ${BUDGET_MS} ms`);
    assert.deepEqual(chatty.map((row) => `${row.page}: ${row.requests} requests`), [], `pages over ${MAX_REQUESTS} requests`);
    assert.deepEqual(errors, [], 'console or page errors');
  });
});
