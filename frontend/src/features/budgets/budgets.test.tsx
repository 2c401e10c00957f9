import {
  act, screen, waitFor, within,
} from '@testing-library/react';
import dayjs from 'dayjs';
import type { Budget, BudgetStatus } from '@/api/types';
import { apiMock, listReply } from '@/testing/api-mock';
import { budget, budgetStatus, categories } from '@/testing/fixtures';
import { renderApp } from '@/testing/render';
import { mockCatalog, mockDashboard } from '@/testing/scenarios';
import { barScale, SCALE_CAP } from './BudgetBar';
import { budgetChanges, thresholdsError } from './BudgetFormModal';

const total = budget({
  id: 2, name: 'All spend', scope: 'total', service_id: null, subject: 'All spend', amount: '5000.00',
});
const licenses = budget({
  id: 3,
  name: 'Seats',
  scope: 'category',
  service_id: null,
  category_id: 2,
  subject: 'User License',
  amount: '400.00',
  thresholds: [50, 80, 100],
});

const statuses: BudgetStatus[] = [
  budgetStatus(),
  budgetStatus({
    budget_id: 2,
    name: 'All spend',
    scope: 'total',
    subject: 'All spend',
    amount: '5000.00',
    spent: '1000.00',
    forecast: '3000.00',
    percent_spent: '20.0',
    percent_forecast: '60.0',
    crossed: [],
    forecast_crosses: [],
  }),
  budgetStatus({
    budget_id: 3,
    name: 'Seats',
    scope: 'category',
    subject: 'User License',
    amount: '400.00',
    spent: '1000.00',
    forecast: '1000.00',
    percent_spent: '250.0',
    percent_forecast: '250.0',
    thresholds: [50, 80, 100],
    crossed: [50, 80, 100],
    forecast_crosses: [],
  }),
];

/** Budgets and their status, kept in step with what the test writes. */
function mockBudgets(rows: Budget[] = [budget(), total, licenses], status: BudgetStatus[] = statuses) {
  apiMock
    .on('GET', '/budgets', (request) => listReply(rows)(request))
    .on('GET', '/budgets/status', () => ({
      body: status.filter((row) => rows.some((b) => b.id === row.budget_id)),
    }));
}

const thisMonth = () => ({ year: String(dayjs().year()), month: String(dayjs().month() + 1) });

describe('Budgets page', () => {
  it("shows each budget's month as a bar with its forecast and thresholds", async () => {
    mockBudgets();
    renderApp('/budgets');
    expect(await screen.findByRole('heading', { name: 'Budgets', level: 1 })).toBeInTheDocument();
    const ai = await screen.findByRole('region', { name: 'AI tools' });
    expect(within(ai).getByText('Service · OpenAI API')).toBeInTheDocument();
    expect(ai).toHaveTextContent('$850.00 of $1,000.00 · 85.0 % spent');
    expect(ai).toHaveTextContent('Forecast $1,100.00 · 110.0 % by the month’s end');
    const bar = within(ai).getByRole('progressbar', { name: 'AI tools: spent' });
    expect(bar).toHaveAttribute('aria-valuenow', '85');
    expect(bar).toHaveAttribute('aria-valuetext', '85.0 % of $1,000.00 spent');
    const thresholds = within(ai).getByRole('list', { name: 'Thresholds of AI tools' });
    expect(within(thresholds).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      '80 % crossed', '100 % expected by the month’s end',
    ]);
    // The bar ends at the forecast's 110 %: the spent part is 85/110 of it, the forecast adds the rest.
    expect(bar.style.getPropertyValue('--progress-section-size')).toBe(`${(85 / 110) * 100}%`);
    expect(ai.querySelector('[data-threshold="100"]')).toHaveStyle({ left: `calc(${(100 / 110) * 100}% - 1px)` });

    const all = screen.getByRole('region', { name: 'All spend' });
    expect(within(all).getByText('All spend', { selector: 'p' })).toBeInTheDocument();
    expect(within(all).getByRole('list', { name: 'Thresholds of All spend' })).toHaveTextContent('80 % not reached100 % not reached');
    const seats = screen.getByRole('region', { name: 'Seats' });
    expect(within(seats).getByText('Category · User License')).toBeInTheDocument();
    expect(within(seats).getByText('250.0 %')).toBeInTheDocument();
    expect(within(seats).getByRole('list', { name: 'Thresholds of Seats' })).toHaveTextContent('50 % crossed80 % crossed100 % crossed');

    const [request] = apiMock.requests('GET', '/budgets/status');
    expect(Object.fromEntries(request!.query)).toEqual(thisMonth());
    expect(apiMock.requests('GET', '/budgets')[0]!.query.get('limit')).toBe('1000');
  });

  it('shows another month from the picker or from a link', async () => {
    mockBudgets();
    const { user, router } = renderApp('/budgets');
    await screen.findByRole('region', { name: 'AI tools' });
    const last = dayjs().subtract(1, 'month');
    await user.click(screen.getByRole('textbox', { name: 'Month' }));
    await user.click(await screen.findByRole('option', { name: last.format('MMM YYYY') }));
    await waitFor(() => expect(apiMock.requests('GET', '/budgets/status').at(-1)!.query.get('month'))
      .toBe(String(last.month() + 1)));
    expect(router.state.location.search).toBe(`?month=${last.format('YYYY-MM')}`);

    // An alert's link names its month, even one older than the picker's year.
    await act(() => router.navigate('/budgets?month=2019-03'));
    await waitFor(() => expect(Object.fromEntries(apiMock.requests('GET', '/budgets/status').at(-1)!.query))
      .toEqual({ year: '2019', month: '3' }));
    expect(screen.getByRole('textbox', { name: 'Month' })).toHaveValue('Mar 2019');
    await act(() => router.navigate('/budgets?month=2019-13'));
    await waitFor(() => expect(Object.fromEntries(apiMock.requests('GET', '/budgets/status').at(-1)!.query))
      .toEqual(thisMonth()));
  });

  it('creates a category budget with the default thresholds and one more', async () => {
    const rows: Budget[] = [];
    mockBudgets(rows);
    mockCatalog();
    apiMock.on('POST', '/budgets', (request) => {
      const made = budget({ ...(request.body as Partial<Budget>), id: 7, subject: 'Usage' });
      rows.push(made);
      return { status: 201, body: made };
    });
    const { user } = renderApp('/budgets');
    expect(await screen.findByText('No budgets yet')).toBeInTheDocument();
    await user.click(screen.getAllByRole('button', { name: 'New budget' })[0]!);
    const dialog = await screen.findByRole('dialog', { name: 'New budget' });
    await user.click(within(dialog).getByRole('button', { name: 'Create budget' }));
    expect(await within(dialog).findByText('Enter a name')).toBeInTheDocument();
    expect(within(dialog).getByText('Enter an amount')).toBeInTheDocument();

    await user.type(within(dialog).getByRole('textbox', { name: /^Name/ }), 'Usage');
    await user.click(within(dialog).getByRole('radio', { name: 'A category' }));
    await user.click(within(dialog).getByRole('button', { name: 'Create budget' }));
    expect(await within(dialog).findByText('Choose a category')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('textbox', { name: /^Category/ }));
    await user.click(await screen.findByRole('option', { name: categories[2]!.name }));
    await user.type(within(dialog).getByRole('textbox', { name: /^Amount per month/ }), '500');
    const thresholds = within(dialog).getByRole('textbox', { name: /^Thresholds/ });
    await user.type(thresholds, '50,');
    await user.click(within(dialog).getByRole('button', { name: 'Create budget' }));

    await waitFor(() => expect(apiMock.requests('POST', '/budgets')).toHaveLength(1));
    expect(apiMock.requests('POST', '/budgets')[0]!.body).toEqual({
      name: 'Usage', scope: 'category', category_id: 3, amount: '500', thresholds: [50, 80, 100],
    });
    expect(await screen.findByText('Budget “Usage” created')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it("puts the server's 422 on the fields it names", async () => {
    mockBudgets([]);
    apiMock.on('POST', '/budgets', {
      detail: [
        { loc: ['body', 'amount'], msg: 'Value error, must be more than zero', type: 'value_error' },
        { loc: ['body', 'service_id'], msg: 'Service 3 does not exist.', type: 'value_error' },
      ],
    }, 422);
    const { user } = renderApp('/budgets');
    await user.click((await screen.findAllByRole('button', { name: 'New budget' }))[0]!);
    const dialog = await screen.findByRole('dialog', { name: 'New budget' });
    await user.type(within(dialog).getByRole('textbox', { name: /^Name/ }), 'All');
    await user.type(within(dialog).getByRole('textbox', { name: /^Amount per month/ }), '10');
    await user.click(within(dialog).getByRole('button', { name: 'Create budget' }));
    expect(await within(dialog).findByText('must be more than zero')).toBeInTheDocument();
    expect(screen.getByText('Budget not saved')).toBeInTheDocument();
    expect(apiMock.requests('POST', '/budgets')[0]!.body).toEqual({
      name: 'All', scope: 'total', amount: '10', thresholds: [80, 100],
    });
  });

  it('checks the thresholds before sending', async () => {
    mockBudgets([]);
    const { user } = renderApp('/budgets');
    await user.click((await screen.findAllByRole('button', { name: 'New budget' }))[0]!);
    const dialog = await screen.findByRole('dialog', { name: 'New budget' });
    await user.type(within(dialog).getByRole('textbox', { name: /^Thresholds/ }), '0,');
    await user.click(within(dialog).getByRole('button', { name: 'Create budget' }));
    expect(await within(dialog).findByText('“0” is not a whole percent from 1 to 1000')).toBeInTheDocument();
    expect(apiMock.requests('POST', '/budgets')).toHaveLength(0);
  });

  it('edits a budget, sending only what changed', async () => {
    const rows = [budget(), total, licenses];
    mockBudgets(rows);
    mockCatalog();
    apiMock.on('PUT', '/budgets/1', (request) => {
      Object.assign(rows[0]!, request.body);
      return { body: rows[0] };
    });
    const { user } = renderApp('/budgets');
    const ai = await screen.findByRole('region', { name: 'AI tools' });
    await waitFor(() => expect(within(ai).getByRole('button', { name: 'Edit AI tools' })).toBeEnabled());
    await user.click(within(ai).getByRole('button', { name: 'Edit AI tools' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit “AI tools”' });
    // The service is shown by its name before any search.
    expect(within(dialog).getByRole('textbox', { name: /^Service/ })).toHaveValue('OpenAI API');
    const amount = within(dialog).getByRole('textbox', { name: /^Amount per month/ });
    await user.clear(amount);
    await user.type(amount, '1200.00');
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(apiMock.requests('PUT', '/budgets/1')).toHaveLength(1));
    expect(apiMock.requests('PUT', '/budgets/1')[0]!.body).toEqual({ amount: '1200.00' });
    expect(await screen.findByText('Budget “AI tools” updated')).toBeInTheDocument();

    // Unchanged: nothing is sent.
    await user.click(within(ai).getByRole('button', { name: 'Edit AI tools' }));
    const again = await screen.findByRole('dialog', { name: 'Edit “AI tools”' });
    await user.click(within(again).getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(apiMock.requests('PUT', '/budgets/1')).toHaveLength(1);
  });

  it('asks before deleting a budget', async () => {
    const rows = [budget(), total];
    mockBudgets(rows);
    apiMock.on('DELETE', '/budgets/2', () => {
      rows.splice(1, 1);
      return { status: 204 };
    });
    const { user } = renderApp('/budgets');
    const all = await screen.findByRole('region', { name: 'All spend' });
    await user.click(within(all).getByRole('button', { name: 'Delete All spend' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete the budget “All spend”?' });
    expect(apiMock.requests('DELETE', '/budgets/2')).toHaveLength(0);
    await user.click(within(confirm).getByRole('button', { name: 'Delete budget' }));
    await waitFor(() => expect(screen.queryByRole('region', { name: 'All spend' })).not.toBeInTheDocument());
    expect(screen.getByRole('region', { name: 'AI tools' })).toBeInTheDocument();
  });

  it('shows the error of a status that cannot load', async () => {
    mockBudgets();
    apiMock.on('GET', '/budgets/status', { detail: 'Database down' }, 503);
    renderApp('/budgets');
    expect(await screen.findByText('Database down')).toBeInTheDocument();
  });
});

describe('Budgets on the dashboard', () => {
  it("shows this month's three budgets gone furthest, with a link to all", async () => {
    mockDashboard();
    apiMock.on('GET', '/budgets/status', [
      ...statuses,
      budgetStatus({
        budget_id: 4, name: 'Quiet', percent_spent: '5.0', percent_forecast: '9.0', crossed: [], forecast_crosses: [],
      }),
    ]);
    renderApp('/');
    const card = await screen.findByRole('region', { name: 'Budgets' });
    await within(card).findByText('Seats');
    const names = within(card).getAllByText(/^(AI tools|All spend|Seats|Quiet)$/).map((node) => node.textContent);
    expect(names).toEqual(['Seats', 'AI tools', 'All spend']);
    expect(within(card).getByText('250.0 %')).toBeInTheDocument();
    expect(within(card).getByRole('link', { name: 'All 4 budgets' })).toHaveAttribute('href', '/budgets');
    // The server's current month: no year or month sent.
    expect(apiMock.requests('GET', '/budgets/status')[0]!.query.toString()).toBe('');
  });

  it('invites to set a budget when there is none', async () => {
    mockDashboard();
    apiMock.on('GET', '/budgets/status', []);
    renderApp('/');
    const card = await screen.findByRole('region', { name: 'Budgets' });
    expect(await within(card).findByRole('link', { name: 'Set a monthly limit' })).toHaveAttribute('href', '/budgets');
  });
});

describe('budget helpers', () => {
  it('scales the bar to 100 %, a higher threshold or figure, up to the cap', () => {
    expect(barScale(budgetStatus({ percent_spent: '10.0', percent_forecast: '20.0', thresholds: [50] }))).toBe(100);
    expect(barScale(budgetStatus({ percent_spent: '10.0', percent_forecast: '20.0', thresholds: [150] }))).toBe(150);
    expect(barScale(budgetStatus({ percent_spent: '900.0', percent_forecast: '900.0' }))).toBe(SCALE_CAP);
  });

  it('refuses thresholds the API would', () => {
    expect(thresholdsError([])).toMatch(/at least one/);
    expect(thresholdsError(Array.from({ length: 11 }, (_, i) => String(i + 1)))).toBe('At most 10 thresholds');
    expect(thresholdsError(['1001'])).toMatch(/not a whole percent/);
    expect(thresholdsError(['12.5'])).toMatch(/not a whole percent/);
    expect(thresholdsError(['1', '1000'])).toBeNull();
  });

  it('sends a new scope with the id it names', () => {
    const values = {
      name: 'AI tools',
      scope: 'category' as const,
      category: '3',
      service: '3',
      amount: '1000.00',
      thresholds: ['100', '80', '80'],
    };
    expect(budgetChanges(budget(), values)).toEqual({ scope: 'category', category_id: 3 });
    expect(budgetChanges(budget(), { ...values, scope: 'total', thresholds: ['90'] }))
      .toEqual({ scope: 'total', thresholds: [90] });
    expect(budgetChanges(budget(), { ...values, scope: 'service', service: '5' })).toEqual({ scope: 'service', service_id: 5 });
  });
});
