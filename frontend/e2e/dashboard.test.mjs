/**
 * End-to-end: the built SPA in Debian's headless Chromium, driven by
 * playwright-core, against the real backend started with --seed.
 *
 *   E2E_BASE_URL            default http://127.0.0.1:5173 (vite preview or dev, proxying /api)
 *   COSTWATCH_ADMIN_EMAIL   default admin@example.com
 *   COSTWATCH_ADMIN_PASSWORD default costwatch-demo
 *   CHROMIUM_PATH           default /usr/bin/chromium
 *   SCREENSHOT_DIR          default ../docs/screenshots (from frontend/)
 *
 *   E2E_MAX_REQUESTS        default 10: API requests allowed per page load
 *
 * Fails on any console error or uncaught page error, and when a page makes more
 * API requests than the bound (a regression to whole-table downloads).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, resolve } from 'node:path';
import {
  after, before, describe, test,
} from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  BASE_URL, countRequests, EMAIL, launchBrowser, login, MAX_REQUESTS, noLoaders, TIMEOUT,
} from './browser.mjs';
import {
  displayedCents, formatCents, replaceCell, sumFocus,
} from './focus.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const SHOTS = resolve(process.env.SCREENSHOT_DIR ?? resolve(here, '../../docs/screenshots'));
/** A real FOCUS 1.0 export (the FinOps Foundation's sample): AWS, Microsoft, Oracle, Sep-Oct 2024. */
const FOCUS_FILE = resolve(here, '../../backend/tests/fixtures/focus/focus-1.0-sample.csv');

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

const PAGES = [
  { name: 'dashboard', path: '/', heading: 'Dashboard' },
  { name: 'alerts', path: '/alerts', heading: 'Alerts' },
  { name: 'services', path: '/services', heading: 'Services' },
  { name: 'licenses', path: '/licenses', heading: 'Licenses' },
  { name: 'usage', path: '/usage', heading: 'Usage' },
  { name: 'budgets', path: '/budgets', heading: 'Budgets' },
  { name: 'analytics', path: '/analytics', heading: 'Analytics' },
  { name: 'connections', path: '/connections', heading: 'Connections' },
  { name: 'import', path: '/import', heading: 'Import' },
  { name: 'audit', path: '/audit', heading: 'Audit log' },
  { name: 'settings', path: '/settings', heading: 'Settings' },
];

let browser;
const consoleErrors = [];
/** API requests per page load: { label, count, paths }. */
const requestCounts = [];

/** Record and check the API requests of one page load. */
function checkRequests(label, paths) {
  requestCounts.push({ label, count: paths.length, paths });
  assert.ok(
    paths.length <= MAX_REQUESTS,
    `${label}: ${paths.length} API requests (at most ${MAX_REQUESTS}):\n  ${paths.join('\n  ')}`,
  );
}

function watch(page) {
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`${page.url()}: ${error.message}`));
  page.setDefaultTimeout(TIMEOUT);
}

async function newPage(viewport) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  watch(page);
  return page;
}

/** Wait until loaders are gone and the chart (if any) has drawn. */
async function settle(page) {
  await page.waitForLoadState('networkidle');
  await noLoaders(page);
  await page.waitForTimeout(400);
}

async function shoot(page, name) {
  await page.screenshot({ path: resolve(SHOTS, `${name}.png`), fullPage: true });
}

async function assertNoHorizontalScroll(page, label) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  assert.ok(scroll <= width, `${label}: the page scrolls sideways (${scroll}px content in a ${width}px window)`);
}

/**
 * Run the alert rules once, as the page's admin: with COSTWATCH_ENV=test the server has no
 * scheduler, so the demo data's alerts (low balance, runway, ...) open only when asked.
 */
async function evaluateAlerts(page) {
  const status = await page.evaluate(async () => {
    const headers = { Authorization: `Bearer ${localStorage.getItem('costwatch.token')}` };
    return (await fetch('/api/alerts/evaluate', { method: 'POST', headers })).status;
  });
  assert.equal(status, 200, 'POST /alerts/evaluate');
}

async function expectToast(page, title) {
  await page.getByRole('alert').filter({ hasText: title }).first().waitFor();
}

/** Open the Import page on "FOCUS billing export" and choose `file` (a path or a buffer). */
async function previewFocus(page, file) {
  await page.goto(`${BASE_URL}/import`);
  await page.getByRole('heading', { name: 'Import', level: 1 }).waitFor();
  await page.getByText('FOCUS billing export', { exact: true }).click();
  await page.getByRole('group', { name: 'Drop a FOCUS file here' }).waitFor();
  await page.locator('input[type=file]').setInputFiles(file);
}

/**
 * The preview's tables as text: the totals per month and the invoices per service and
 * month, each month read from its ISO date (the MonthText's title), each action from its badge.
 */
async function readFocusPreview(page) {
  await page.getByRole('heading', { name: '4. The preview', level: 2 }).waitFor();
  const rowsOf = (label) => page.getByRole('table', { name: label }).locator('tbody tr').evaluateAll(
    (rows) => rows.map((row) => [...row.cells].map((cell) => ({
      text: cell.textContent.trim(),
      month: cell.querySelector('[title]')?.getAttribute('title') ?? null,
      badge: cell.querySelector('.mantine-Badge-root')?.textContent.trim() ?? null,
    }))),
  );
  const totals = (await rowsOf('Totals per month')).map(([month, currency, inFile, groups, invoiced]) => ({
    key: `${month.month.slice(0, 7)}|${currency.text}`,
    fileCents: displayedCents(inFile.text),
    groups: Number(groups.text),
    cents: displayedCents(invoiced.text),
  }));
  const groups = (await rowsOf('Invoices per service and month')).map(([month, provider, service, amount, action]) => ({
    key: [month.month.slice(0, 7), provider.text, service.text].join('|'),
    cents: displayedCents(amount.text),
    action: action.badge,
  }));
  return { totals, groups };
}

/** A service's invoices on its page, as { "2024-09": cents }. */
async function serviceInvoices(page, name) {
  await page.goto(`${BASE_URL}/services`);
  const services = page.getByRole('table', { name: 'Services' });
  await page.getByRole('textbox', { name: 'Search Services' }).fill(name);
  await services.getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { name, level: 1 }).waitFor();
  const invoices = page.getByRole('table', { name: 'Invoices' });
  await invoices.locator('tbody tr [title]').first().waitFor();
  await settle(page);
  const rows = await invoices.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => ({
    month: tr.cells[0].querySelector('[title]').getAttribute('title'),
    amount: tr.cells[1].textContent.trim(),
  })));
  return Object.fromEntries(rows.map(({ month, amount }) => [month.slice(0, 7), displayedCents(amount)]));
}

describe('CostWatch dashboard in Chromium', () => {
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    if (requestCounts.length > 0) {
      console.log('\nAPI requests per page load:');
      console.table(requestCounts.map(({ label, count }) => ({ page: label, requests: count })));
    }
  });

  test('a wrong password is refused', async () => {
    const page = await newPage(DESKTOP);
    await page.goto(`${BASE_URL}/`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await shoot(page, 'desktop-login');
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel(/^Password/).fill('not-the-password');
    // The refused login is a 401 the browser logs; this one is expected.
    const known = consoleErrors.length;
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Wrong email or password.').waitFor();
    consoleErrors.splice(known);
    await page.context().close();
  });

  test('every page opens on a desktop and on a phone', async () => {
    for (const [kind, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
      const page = await newPage(viewport);
      await login(page);
      if (kind === 'desktop') await evaluateAlerts(page);
      for (const { name, path, heading } of PAGES) {
        const counter = countRequests(page);
        await page.goto(`${BASE_URL}${path}`);
        await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
        await settle(page);
        checkRequests(`${kind} ${path}`, counter.stop());
        await assertNoHorizontalScroll(page, `${kind} ${path}`);
        await shoot(page, `${kind}-${name}`);
        if (name === 'dashboard') {
          // This month's forecast and the soonest run-outs (the demo data burns OpenAI's funds).
          await page.getByText(/^Forecast \$/).first().waitFor();
          const runway = page.getByRole('region', { name: 'Prepaid runway' });
          const first = (await runway.getByRole('link').first().textContent()).trim();
          assert.match(first, / (runs out on \d{1,2} \w{3}, in \d+ days?|is out of funds)$/, first);
        }
        if (name === 'alerts') {
          // The inbox opens on the open alerts, in a table (or its empty row).
          await page.getByRole('table', { name: 'Alerts' }).waitFor();
          assert.ok(await page.getByRole('radio', { name: 'Open' }).isChecked(), 'the inbox opens on the open alerts');
        }
        if (name === 'budgets') {
          // Every budget has its bar (the demo may have none yet: then the invitation to make one).
          const budgets = await page.getByRole('main').getByRole('region').count();
          const bars = await page.getByRole('progressbar').count();
          assert.equal(bars, budgets, `${bars} bars for ${budgets} budgets`);
          if (budgets === 0) await page.getByText('No budgets yet').waitFor();
        }
        if (name === 'analytics') {
          await page.getByRole('img', { name: 'Cost by service' }).waitFor();
          await page.getByRole('img', { name: 'Daily usage cost, last 30 days' }).waitFor();
        }
        if (name === 'usage') {
          // The runway is on every card, soonest first.
          const badge = page.getByLabel(/ runway$/).first();
          const runway = /^(Runs out \d{1,2} \w{3} \d{4} · in \d+ days?|Out of funds|Not burning)/;
          assert.match((await badge.textContent()).trim(), runway);
          assert.equal(await page.getByRole('textbox', { name: 'Sort usage services' }).inputValue(), 'Runs out first');
        }
        if (name === 'usage') {
          // A service's events load only when its section opens: one more request.
          const opened = countRequests(page);
          await page.getByRole('button', { name: 'Top-ups and consumption' }).first().click();
          await page.getByRole('table', { name: / top-ups and consumption$/ }).first().waitFor();
          await settle(page);
          const paths = opened.stop();
          assert.ok(paths.length >= 1 && paths.every((p) => p.includes('/api/usage/events?')), paths.join(', '));
          checkRequests(`${kind} /usage (a section opened)`, paths);
          await assertNoHorizontalScroll(page, `${kind} usage with events`);
        }
      }
      // A service's detail page, reached from the table.
      await page.goto(`${BASE_URL}/services`);
      const href = await page.getByRole('table', { name: 'Services' }).getByRole('link').first().getAttribute('href');
      const counter = countRequests(page);
      await page.goto(`${BASE_URL}${href}`);
      // The breadcrumb back to the list, then the service's own heading.
      await page.getByRole('main').getByRole('link', { name: 'Services', exact: true }).waitFor();
      await page.getByRole('heading', { level: 1 }).waitFor();
      await settle(page);
      checkRequests(`${kind} ${href}`, counter.stop());
      await assertNoHorizontalScroll(page, `${kind} service detail`);
      await shoot(page, `${kind}-service-detail`);
      if (kind === 'phone') {
        // The navbar collapses to a burger.
        await page.goto(`${BASE_URL}/`);
        await settle(page);
        await page.getByRole('button', { name: 'Toggle navigation' }).click();
        await page.getByRole('link', { name: 'Usage' }).waitFor();
        await page.waitForTimeout(600);
        await page.screenshot({ path: resolve(SHOTS, 'phone-navigation.png') });
        await page.getByRole('link', { name: 'Usage' }).click();
        await page.getByRole('heading', { name: 'Usage', level: 1 }).waitFor();
      } else {
        // The dark theme.
        await page.goto(`${BASE_URL}/`);
        await page.getByRole('button', { name: 'Switch to dark theme' }).click();
        await page.mouse.move(640, 780);
        await settle(page);
        await shoot(page, 'desktop-dashboard-dark');
        await page.getByRole('button', { name: 'Switch to light theme' }).click();
      }
      await page.context().close();
    }
    assert.deepEqual(consoleErrors, []);
  });

  test('export a table as CSV, then import a CSV file of invoices', async () => {
    const page = await newPage(DESKTOP);
    await login(page);
    await page.goto(`${BASE_URL}/services`);
    await settle(page);
    const [exported] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export services as CSV' }).click(),
    ]);
    assert.equal(exported.suggestedFilename(), 'services.csv');
    const lines = readFileSync(await exported.path(), 'utf8').trim().split('\r\n');
    assert.match(lines[0], /^id,provider_id,category_id,name,/);
    assert.ok(lines.length > 2, `${lines.length} lines exported`);

    // An infrastructure service to import invoices for, asked of the API with the page's token.
    const serviceId = await page.evaluate(async () => {
      const headers = { Authorization: `Bearer ${localStorage.getItem('costwatch.token')}` };
      const categories = await (await fetch('/api/categories', { headers })).json();
      const infra = categories.find((category) => category.code === 'infrastructure');
      const services = await (await fetch(`/api/service?category_id=${infra.id}&limit=1`, { headers })).json();
      return services[0].id;
    });

    await page.getByRole('link', { name: 'Import' }).click();
    await page.getByRole('heading', { name: 'Import', level: 1 }).waitFor();
    const [template] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download the invoices template' }).click(),
    ]);
    assert.equal(template.suggestedFilename(), 'invoices-template.csv');
    assert.match(readFileSync(await template.path(), 'utf8'), /^service_id,invoice_month,amount,currency\r\n/);

    const header = 'service_id,invoice_month,amount,currency';
    const good = `${serviceId},2019-01,10.00,USD`;
    const file = (text) => ({ name: 'invoices.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
    const input = page.locator('input[type=file]');
    await input.setInputFiles(file(`${header}\n${good}\n${serviceId},2019-02,1.234,USD\n`));
    const errors = page.getByRole('table', { name: 'Rows with errors' });
    await errors.getByRole('cell', { name: 'amount' }).waitFor();
    assert.ok(await page.getByRole('button', { name: 'Import 2 row(s)' }).isDisabled());
    await settle(page);
    await shoot(page, 'desktop-import-errors');

    await input.setInputFiles(file(`${header}\n${good}\n`));
    const commit = page.getByRole('button', { name: 'Import 1 row(s)' });
    await commit.waitFor();
    await commit.click();
    await page.getByText('Every row of invoices.csv is stored.').waitFor();
    await expectToast(page, 'Imported');
    await settle(page);
    await shoot(page, 'desktop-import-done');
    await page.context().close();
    assert.deepEqual(consoleErrors, []);
  });

  test('create and edit a service, record a price change and a top-up', async () => {
    const page = await newPage(DESKTOP);
    await login(page);

    // Create a service with a new provider (the provider picker searches the server).
    const name = `E2E Service ${Date.now()}`;
    await page.getByRole('link', { name: 'Services' }).click();
    await page.getByRole('button', { name: 'New service' }).click();
    const dialog = page.getByRole('dialog', { name: 'New service' });
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByRole('textbox', { name: 'Provider' }).fill('E2E Provider');
    await page.getByRole('option', { name: '+ Add provider “E2E Provider”' }).click();
    await dialog.getByRole('textbox', { name: 'Category' }).click();
    await page.getByRole('option', { name: 'Infrastructure' }).click();
    await dialog.getByRole('button', { name: 'Create service' }).click();
    await expectToast(page, 'Created');
    await dialog.waitFor({ state: 'hidden' });
    // The table is paged on the server: find the new service with its search box.
    const services = page.getByRole('table', { name: 'Services' });
    await page.getByRole('textbox', { name: 'Search Services' }).fill(name);
    await services.getByRole('link', { name }).waitFor();

    // Edit it in its modal.
    const renamed = `${name} (edited)`;
    await services.getByRole('button', { name: `Edit ${name}` }).click();
    const edit = page.getByRole('dialog', { name: `Edit “${name}”` });
    await edit.getByLabel('Name').fill(renamed);
    await edit.getByLabel('Description').fill('Edited by the browser test');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expectToast(page, `Service “${renamed}” updated`);
    await edit.waitFor({ state: 'hidden' });
    await services.getByRole('link', { name: renamed }).waitFor();
    await services.getByText('Edited by the browser test').waitFor();

    // Record a price/quantity change on the first license in force.
    await page.getByRole('link', { name: 'Licenses' }).click();
    const table = page.getByRole('table', { name: 'License plans' });
    await table.waitFor();
    await table.getByRole('button', { name: /^Record change for / }).first().click();
    const planDialog = page.getByRole('dialog');
    const qty = planDialog.getByLabel('Quantity (seats)');
    const seats = Number(await qty.inputValue());
    await qty.fill(String(seats + 1));
    await planDialog.getByLabel('Monthly unit cost').fill('19.99');
    await planDialog.getByRole('button', { name: 'Record change' }).click();
    await expectToast(page, 'Plan saved');
    await planDialog.waitFor({ state: 'hidden' });

    // Record a top-up and watch the balance change.
    await page.getByRole('link', { name: 'Usage' }).click();
    const card = page.getByRole('region').filter({ has: page.getByRole('button', { name: 'Record Top-up' }) }).first();
    const balance = card.getByLabel(/ balance$/);
    const previous = (await balance.textContent()).trim();
    await card.getByRole('button', { name: 'Record Top-up' }).click();
    const topup = page.getByRole('dialog');
    await topup.getByLabel('Amount purchased').fill('125.00');
    await topup.getByRole('button', { name: 'Record top-up' }).click();
    await expectToast(page, 'Top-up recorded');
    await topup.waitFor({ state: 'hidden' });
    await page.waitForFunction(
      ([el, old]) => el && el.textContent.trim() !== old,
      [await balance.elementHandle(), previous],
    );
    const afterText = (await balance.textContent()).trim();
    assert.notEqual(afterText, previous, 'the balance changes after a top-up');
    await shoot(page, 'desktop-usage-after-topup');
    await page.context().close();
    assert.deepEqual(consoleErrors, []);
  });

  test('convert another currency with a rate entered in Settings, and switch to the cash view', async () => {
    const page = await newPage(DESKTOP);
    await login(page);
    await settle(page);
    // The demo's OVHcloud bills in EUR; the newest month with EUR spend is listed by currency.
    const byCurrency = page.getByRole('table', { name: /^Spend by currency, / });
    await byCurrency.waitFor();
    const label = await byCurrency.getAttribute('aria-label');
    const monthText = label.replace('Spend by currency, ', ''); // e.g. "Nov 2026"
    const eur = byCurrency.getByRole('row').filter({ hasText: 'EUR' });
    await eur.waitFor();

    // Enter that month's EUR rate by hand in Settings: it wins over any bundled one.
    await page.getByRole('link', { name: 'Settings' }).click();
    const rates = page.getByRole('table', { name: 'Exchange rates' });
    await rates.waitFor();
    await page.getByRole('button', { name: 'Enter a rate' }).click();
    const dialog = page.getByRole('dialog', { name: 'Exchange rate' });
    await dialog.getByRole('button', { name: 'Month' }).click();
    const [monthName, year] = monthText.split(' ');
    // The month picker opens on this year: step back to the month's year, then pick the month.
    const thisYear = new Date().getFullYear();
    for (let y = thisYear; y > Number(year); y -= 1) {
      await page.getByRole('button', { name: /previous/i }).last().click();
    }
    await page.getByRole('button', { name: monthName, exact: true }).click();
    await dialog.getByRole('textbox', { name: 'Rate' }).fill('0.8');
    await dialog.getByRole('button', { name: 'Save rate' }).click();
    await expectToast(page, 'Rate saved');
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('textbox', { name: 'Search Exchange rates' }).fill('EUR');
    await rates.getByRole('row').filter({ hasText: 'by hand' }).first().waitFor();
    await settle(page);
    await shoot(page, 'desktop-settings-rates');

    // Back on the dashboard the month's EUR amount is converted with 0.8.
    await page.getByRole('link', { name: 'Dashboard' }).click();
    const row = page.getByRole('table', { name: `Spend by currency, ${monthText}` }).getByRole('row').filter({ hasText: 'EUR' });
    await row.filter({ hasText: '0.8000000000' }).waitFor();
    const cells = await row.getByRole('cell').allTextContents();
    const original = Number(cells[1].replace(/[^0-9.]/g, ''));
    const converted = Number(cells[3].replace(/[^0-9.]/g, ''));
    assert.equal(converted.toFixed(2), (original / 0.8).toFixed(2), `${cells.join(' | ')}`);

    // The cash view: the toggle reloads the KPIs and the chart.
    await page.getByText('Cash', { exact: true }).click();
    await page.getByText(/· cash view/).first().waitFor();
    assert.match(page.url(), /view=cash/);
    await settle(page);
    await shoot(page, 'desktop-dashboard-cash');
    await page.context().close();
    assert.deepEqual(consoleErrors, []);
  });

  test('a budget crossed opens alerts: evaluated, linked and acknowledged in the inbox', async () => {
    const page = await newPage(DESKTOP);
    await login(page);
    // A budget on all spend far below this month's spend (the demo's licenses alone pass it).
    const name = `E2E budget ${Date.now()}`;
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'Budgets' }).click();
    await page.getByRole('heading', { name: 'Budgets', level: 1 }).waitFor();
    await settle(page);
    await page.getByRole('button', { name: 'New budget' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New budget' });
    await dialog.getByLabel(/^Name/).fill(name);
    await dialog.getByRole('textbox', { name: /^Amount per month/ }).fill('-5');
    await dialog.getByRole('textbox', { name: /^Thresholds/ }).fill('50');
    await dialog.getByRole('button', { name: 'Create budget' }).click();
    await dialog.getByText('Use a plain amount with up to two decimals, like 1234.50').waitFor();
    await dialog.getByRole('textbox', { name: /^Amount per month/ }).fill('100.00');
    await page.waitForTimeout(300);
    await shoot(page, 'desktop-budget-form');
    await dialog.getByRole('button', { name: 'Create budget' }).click();
    await expectToast(page, `Budget “${name}” created`);
    await dialog.waitFor({ state: 'hidden' });
    const budget = page.getByRole('region', { name });
    await budget.getByRole('progressbar', { name: `${name}: spent` }).waitFor();
    const thresholds = budget.getByRole('list', { name: `Thresholds of ${name}` });
    assert.deepEqual(await thresholds.getByRole('listitem').allTextContents(), ['50 % crossed', '80 % crossed', '100 % crossed']);
    await settle(page);
    await shoot(page, 'desktop-budgets-crossed');

    // The rules run now (the server may have run them after the write already).
    await nav.getByRole('link', { name: /^Alerts/ }).click();
    await page.getByRole('table', { name: 'Alerts' }).waitFor();
    await page.getByRole('button', { name: 'Evaluate now' }).click();
    await page.getByRole('alert').filter({ hasText: /Rules evaluated\s*\d+ opened, \d+ resolved, \d+ notified/ }).first().waitFor();

    // One open event per threshold crossed, each linked to the budget's month.
    await page.getByRole('textbox', { name: 'Kind' }).click();
    await page.getByRole('option', { name: 'Budget' }).click();
    const rows = page.getByRole('table', { name: 'Alerts' }).getByRole('row').filter({ hasText: name });
    await rows.first().waitFor();
    assert.equal(await rows.count(), 3, 'one alert per threshold');
    const month = new Date().toISOString().slice(0, 7);
    assert.equal(await rows.first().getByRole('link', { name }).getAttribute('href'), `/budgets?month=${month}`);
    const badge = nav.getByLabel(/^\d+ open alerts?$/);
    const open = Number(await badge.textContent());
    await settle(page);
    await shoot(page, 'desktop-alerts-budget');

    // Acknowledged: it leaves the open list and the badge's count, and waits under "Acknowledged".
    await rows.first().getByRole('button', { name: `Acknowledge budget alert: ${name}` }).click();
    await expectToast(page, 'Alert acknowledged');
    await page.waitForFunction(
      ([el, old]) => Number(el.textContent) === old - 1,
      [await badge.elementHandle(), open],
    );
    await settle(page);
    assert.equal(await rows.count(), 2);
    await page.getByText('Acknowledged', { exact: true }).click();
    assert.match(page.url(), /state=acknowledged/);
    await settle(page);
    assert.equal(await rows.count(), 1);

    // The link leads to the budget's month.
    await rows.first().getByRole('link', { name }).click();
    await page.getByRole('region', { name }).waitFor();
    const thisMonth = new Date().toLocaleString('en-US', { month: 'short', year: 'numeric' });
    assert.equal(await page.getByRole('textbox', { name: 'Month' }).inputValue(), thisMonth);
    await page.context().close();
    assert.deepEqual(consoleErrors, []);
  });

  test('the seeded connection, its history and the form of each provider', async () => {
    const page = await newPage(DESKTOP);
    await login(page);
    await page.getByRole('link', { name: 'Connections' }).click();
    const table = page.getByRole('table', { name: 'Connections' });
    // The demo seed adds one disabled OpenAI connection (it never calls OpenAI).
    const row = table.getByRole('row').filter({ hasText: 'OpenAI' }).first();
    await row.waitFor();
    assert.equal(await row.getByRole('switch').isChecked(), false, 'the demo connection is disabled');
    await row.getByText('Never synced').waitFor();

    // Its (empty) run history in a drawer.
    await row.getByRole('button', { name: /^More actions for / }).click();
    await page.getByRole('menuitem', { name: 'Sync history' }).click();
    const drawer = page.getByRole('dialog', { name: /^Sync history — / });
    await drawer.getByText('No sync yet.', { exact: false }).waitFor();
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });

    // Its edit form: the key is stored, never shown.
    await row.getByRole('button', { name: /^More actions for / }).click();
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog', { name: /^Edit “/ });
    await edit.getByText('Credentials are stored — enter new ones to replace them.').waitFor();
    assert.equal(await edit.getByLabel(/^Admin key/).inputValue(), '', 'the stored key is not sent back');
    await edit.getByRole('button', { name: 'Cancel' }).click();
    await edit.waitFor({ state: 'hidden' });

    // The form asks each provider for its own credentials.
    await page.getByRole('button', { name: 'Add connection' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New connection' });
    await dialog.getByRole('textbox', { name: 'Provider' }).click();
    await page.getByRole('option', { name: 'Twilio' }).click();
    await dialog.getByLabel(/^Account SID/).waitFor();
    await dialog.getByLabel(/^Auth token/).waitFor();
    await dialog.getByRole('textbox', { name: 'Provider' }).click();
    await page.getByRole('option', { name: 'Anthropic' }).click();
    await dialog.getByText('console.anthropic.com → Settings → Admin keys').waitFor();
    await dialog.getByLabel(/^Admin API key/).fill('sk-ant-admin01-example');
    await page.waitForTimeout(300);
    await shoot(page, 'desktop-connection-form');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.context().close();
    assert.deepEqual(consoleErrors, []);
  });

  test('a connection syncs from a local server that speaks OpenAI’s costs API', async () => {
    // OpenAI's documented shape: daily buckets with amounts in dollars, one page.
    const provider = createServer((request, response) => {
      const url = new URL(request.url, 'http://127.0.0.1');
      if (url.pathname !== '/v1/organization/costs') {
        response.writeHead(404).end();
        return;
      }
      const start = Number(url.searchParams.get('start_time'));
      const end = Number(url.searchParams.get('end_time'));
      const data = [];
      for (let day = start; day < end; day += 86400) {
        data.push({
          object: 'bucket',
          start_time: day,
          end_time: day + 86400,
          results: [{ object: 'organization.costs.result', amount: { value: 0.125, currency: 'usd' } }],
        });
      }
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({
        object: 'page', data, has_more: false, next_page: null,
      }));
    });
    await new Promise((done) => {
      provider.listen(0, '127.0.0.1', done);
    });
    const { port } = provider.address();
    try {
      const page = await newPage(DESKTOP);
      await login(page);
      await page.getByRole('link', { name: 'Connections' }).click();
      await page.getByRole('table', { name: 'Connections' }).waitFor();
      await page.getByRole('button', { name: 'Add connection' }).first().click();
      const dialog = page.getByRole('dialog', { name: 'New connection' });
      await dialog.getByRole('textbox', { name: 'Provider' }).click();
      await page.getByRole('option', { name: 'OpenAI' }).click();
      await dialog.getByLabel(/^Name/).fill('E2E OpenAI');
      await dialog.getByRole('textbox', { name: 'Usage service' }).click();
      await page.getByRole('option', { name: /^OpenAI API/ }).click();
      await dialog.getByLabel(/^Admin key/).fill('sk-admin-e2e-placeholder');
      await dialog.getByRole('button', { name: 'Advanced' }).click();
      await dialog.getByLabel(/^Base URL/).fill(`http://127.0.0.1:${port}`);
      await dialog.getByRole('button', { name: 'Add connection' }).click();
      await expectToast(page, 'Connection added');
      await dialog.waitFor({ state: 'hidden' });

      const row = page.getByRole('table', { name: 'Connections' }).getByRole('row').filter({ hasText: 'E2E OpenAI' });
      await row.getByRole('button', { name: 'Sync E2E OpenAI now' }).click();
      await expectToast(page, '“E2E OpenAI” synced');
      await row.getByText('OK', { exact: true }).waitFor();
      await row.getByText(/^synced through /).waitFor();
      // The key typed is nowhere on the page.
      assert.equal(await page.getByText('sk-admin-e2e-placeholder').count(), 0);
      await settle(page);
      await shoot(page, 'desktop-connections-synced');

      // Syncing again changes nothing.
      await row.getByRole('button', { name: 'Sync E2E OpenAI now' }).click();
      await page.getByRole('alert').filter({ hasText: / 0 new, 0 updated, / }).first().waitFor();

      // The Usage page marks the service and the rows the sync wrote.
      await row.getByRole('link', { name: 'OpenAI API' }).click();
      const card = page.getByRole('region', { name: 'OpenAI API' }).first();
      await card.getByRole('link', { name: /^Synced by .*E2E OpenAI/ }).waitFor();
      const events = card.getByRole('table', { name: 'OpenAI API top-ups and consumption' });
      await events.getByText('synced', { exact: true }).first().waitFor();
      await settle(page);
      await shoot(page, 'desktop-usage-synced');
      await page.context().close();
    } finally {
      provider.close();
    }
    assert.deepEqual(consoleErrors, []);
  });

  test('a FOCUS export: preview summed to the cent, commit, the same file again, a broken file', async () => {
    // The file summed here, exactly (BigInt cents), independently of the server.
    const text = readFileSync(FOCUS_FILE, 'utf8');
    const expected = sumFocus(text);
    const groups = [...expected.groups.values()];
    const stored = groups.filter((group) => group.cents >= 0n); // a negative month is skipped
    // One currency: the invoices' table shows it only in the amounts' symbol.
    assert.deepEqual([...new Set(groups.map((group) => group.currency))], ['USD']);
    const page = await newPage(DESKTOP);
    await login(page);
    await previewFocus(page, FOCUS_FILE);
    const preview = await readFocusPreview(page);
    await page.getByText('FOCUS 1.0', { exact: true }).waitFor();
    await page.getByText(`${expected.rows.toLocaleString('en')} rows`, { exact: true }).waitFor();

    // Each invoice is its service's BilledCost of the month summed, then rounded once.
    assert.deepEqual(
      Object.fromEntries(preview.groups.map(({ key, cents }) => [key, formatCents(cents)])),
      Object.fromEntries(groups.map((g) => [[g.month, g.provider, g.service].join('|'), formatCents(g.cents)])),
    );
    assert.equal(preview.groups.length, groups.length);
    // None of these services is in the demo data: every month is new, but a negative one.
    for (const { key, cents, action } of preview.groups) {
      assert.equal(action, cents < 0n ? 'Skipped' : 'New', key);
    }
    // Per month: the file's own total (a spreadsheet's sum, rounded once), and the invoices
    // an import stores (the negative month left out), their number and their sum.
    assert.deepEqual(
      Object.fromEntries(preview.totals.map(({ key, fileCents }) => [key, formatCents(fileCents)])),
      Object.fromEntries([...expected.monthsUnrounded].map(([key, cents]) => [key, formatCents(cents)])),
    );
    assert.deepEqual(
      Object.fromEntries(preview.totals.map(({ key, cents, groups: count }) => [key, [formatCents(cents), count]])),
      Object.fromEntries([...expected.months].map(([key, month]) => [key, [formatCents(month.cents), month.invoices]])),
    );
    const commit = page.getByRole('button', { name: `Import ${stored.length} invoices` });
    assert.ok(await commit.isEnabled());
    await settle(page);
    await assertNoHorizontalScroll(page, 'desktop FOCUS preview');
    await shoot(page, 'desktop-import-focus');

    // The same preview on a phone.
    const phone = await newPage(PHONE);
    await login(phone);
    await previewFocus(phone, FOCUS_FILE);
    // Two columns there: the amount and its action stay in sight, next to the service.
    const ec2 = groups.find((g) => g.service === 'Amazon Elastic Compute Cloud');
    const ec2Row = phone.getByRole('table', { name: 'Invoices per service and month' })
      .getByRole('row').filter({ hasText: ec2.service });
    await ec2Row.waitFor();
    await phone.waitForFunction(() => document.querySelector(
      'table[aria-label="Invoices per service and month"] thead tr',
    )?.cells.length === 2);
    const ec2Cells = await ec2Row.getByRole('cell').allTextContents();
    assert.equal(ec2Cells.length, 2, ec2Cells.join(' | '));
    assert.equal(displayedCents(ec2Cells[1]), ec2.cents, ec2Cells.join(' | '));
    assert.match(ec2Cells[1], /New$/);
    assert.ok(await ec2Row.getByText('New', { exact: true }).isVisible());
    await phone.getByRole('button', { name: `Import ${stored.length} invoices` }).waitFor();
    await settle(phone);
    await assertNoHorizontalScroll(phone, 'phone FOCUS preview');
    await shoot(phone, 'phone-import-focus');
    await phone.context().close();

    // Commit: every month becomes the invoice of its service.
    await commit.click();
    await page.getByText('The invoices of focus-1.0-sample.csv are stored.').waitFor();
    await expectToast(page, 'Invoices imported');
    await page.getByRole('alert').filter({ hasText: `${stored.length} new, 0 replaced.` }).first().waitFor();
    // The services' pages show them: the largest one, and one billed in two months.
    const byService = (provider, service) => Object.fromEntries(stored
      .filter((g) => g.provider === provider && g.service === service)
      .map((g) => [g.month, g.cents]));
    for (const [provider, service] of [['AWS', 'Amazon Elastic Compute Cloud'], ['Oracle', 'COMPUTE']]) {
      const want = byService(provider, service);
      assert.ok(Object.keys(want).length > 0, `${service} is in the file`);
      assert.deepEqual(await serviceInvoices(page, service), want, service);
    }

    // The same file again changes nothing.
    await previewFocus(page, FOCUS_FILE);
    const again = await readFocusPreview(page);
    for (const { key, cents, action } of again.groups) {
      assert.equal(action, cents < 0n ? 'Skipped' : 'Unchanged', key);
    }
    await page.getByText(`${stored.length} unchanged`, { exact: true }).waitFor();
    await page.getByText('0 new', { exact: true }).waitFor();
    await page.getByText('Nothing to change: every invoice is already stored.').waitFor();
    assert.ok(await page.getByRole('button', { name: 'Import 0 invoices' }).isDisabled());

    // A broken cost in row 3 refuses the file, naming the row and the column.
    const broken = replaceCell(text, 3, 'BilledCost', '0.12abc');
    const known = consoleErrors.length; // the 422 is logged by the browser; it is expected here
    await page.locator('input[type=file]').setInputFiles({
      name: 'focus-broken.csv', mimeType: 'text/csv', buffer: Buffer.from(broken),
    });
    const failure = page.getByRole('alert').filter({ hasText: 'The file could not be read' });
    await failure.waitFor();
    assert.match(await failure.textContent(), /row 3, column BilledCost: the cost is not a number/);
    assert.equal(await page.getByRole('table', { name: 'Invoices per service and month' }).count(), 0);
    assert.ok(consoleErrors.slice(known).every((line) => line.includes('422')), consoleErrors.slice(known).join('\n'));
    consoleErrors.splice(known);
    await settle(page);
    await shoot(page, 'desktop-import-focus-error');
    await page.context().close();
    assert.deepEqual(consoleErrors, []);
  });
});
