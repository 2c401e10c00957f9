import { screen, waitFor, within } from '@testing-library/react';
import type { AlertEvent } from '@/api/types';
import { apiMock } from '@/testing/api-mock';
import { alertEvent } from '@/testing/fixtures';
import { renderApp } from '@/testing/render';
import { alertsReply, mockDashboard } from '@/testing/scenarios';
import { subjectLink } from './AlertsPage';

function inbox(): AlertEvent[] {
  return [
    alertEvent({
      id: 4,
      kind: 'runway',
      subject: 'OpenAI API',
      service_id: 3,
      budget_id: null,
      threshold: 14,
      period: '2025-06-20',
      message: 'OpenAI API (OpenAI) runs out on 2025-07-19, in 9 days.',
      notified_at: null,
    }),
    alertEvent({
      id: 3,
      kind: 'commitment',
      subject: 'Microsoft 365',
      service_id: 2,
      budget_id: null,
      threshold: 30,
      period: '2025-08-01',
      message: 'The annual commitment of Microsoft 365 ends on 2025-08-01.',
      state: 'acknowledged',
      acknowledged_at: '2025-07-11T09:00:00Z',
    }),
    alertEvent({ id: 2 }),
    alertEvent({
      id: 1,
      subject: 'Old budget',
      budget_id: null,
      period: '2025-05',
      message: 'Budget "Old budget" has reached 80 % in 2025-05.',
      state: 'resolved',
      resolved_at: '2025-06-01T00:05:00Z',
    }),
  ];
}

function lastQuery() {
  return apiMock.requests('GET', '/alerts').at(-1)!.query;
}

describe('Alerts page', () => {
  it('shows the open alerts first, each linked to its subject', async () => {
    apiMock.on('GET', '/alerts', alertsReply(inbox()));
    renderApp('/alerts');
    expect(await screen.findByRole('heading', { name: 'Alerts', level: 1 })).toBeInTheDocument();
    const table = await screen.findByRole('table', { name: 'Alerts' });
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(3));
    expect(lastQuery().toString()).toBe('state=open&limit=20&offset=0');
    expect(screen.getByRole('radio', { name: 'Open' })).toBeChecked();

    const runway = within(table).getByRole('row', { name: /runs out on 2025-07-19/ });
    expect(within(runway).getByText('Runway')).toBeInTheDocument();
    expect(within(runway).getByRole('link', { name: 'OpenAI API' })).toHaveAttribute('href', '/usage?service=3');
    expect(within(runway).getByText('2025-06-20')).toBeInTheDocument();
    expect(within(runway).getByText('not yet')).toBeInTheDocument();
    expect(within(runway).getByText('open')).toBeInTheDocument();

    const budget = within(table).getByRole('row', { name: /AI tools/ });
    expect(within(budget).getByText('Budget')).toBeInTheDocument();
    expect(within(budget).getByRole('link', { name: 'AI tools' })).toHaveAttribute('href', '/budgets?month=2025-07');
    expect(within(budget).getByText('Jul 2025')).toBeInTheDocument();
    expect(within(budget).getByRole('button', { name: 'Acknowledge budget alert: AI tools' })).toBeInTheDocument();
    expect(screen.getByText('1–2 of 2')).toBeInTheDocument();
  });

  it('filters by state and kind on the server, and keeps the filters in the address', async () => {
    apiMock.on('GET', '/alerts', alertsReply(inbox()));
    const { user, router } = renderApp('/alerts');
    const table = await screen.findByRole('table', { name: 'Alerts' });
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(3));

    await user.click(screen.getByRole('radio', { name: 'All' }));
    await waitFor(() => expect(lastQuery().has('state')).toBe(false));
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(5));
    expect(router.state.location.search).toBe('?state=all');
    // A deleted budget's alert has nothing to link to; an acknowledged one cannot be acknowledged again.
    const old = within(table).getByRole('row', { name: /Old budget/ });
    expect(within(old).queryByRole('link')).not.toBeInTheDocument();
    expect(within(old).getByText('resolved')).toBeInTheDocument();
    expect(within(old).queryByRole('button')).not.toBeInTheDocument();
    const commitment = within(table).getByRole('row', { name: /Microsoft 365/ });
    expect(within(commitment).getByRole('link', { name: 'Microsoft 365' })).toHaveAttribute('href', '/services/2');
    expect(within(commitment).getByText('acknowledged')).toBeInTheDocument();
    expect(within(commitment).queryByRole('button')).not.toBeInTheDocument();

    await user.click(screen.getByRole('textbox', { name: 'Kind' }));
    await user.click(await screen.findByRole('option', { name: 'Commitment' }));
    await waitFor(() => expect(lastQuery().get('kind')).toBe('commitment'));
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(2));
    expect(router.state.location.search).toBe('?state=all&kind=commitment');

    await user.click(screen.getByRole('radio', { name: 'Resolved' }));
    await waitFor(() => expect(lastQuery().get('state')).toBe('resolved'));
    expect(await within(table).findByText('No resolved commitment alerts.')).toBeInTheDocument();
  });

  it('opens on the filters of its address', async () => {
    apiMock.on('GET', '/alerts', alertsReply(inbox()));
    renderApp('/alerts?state=acknowledged&kind=bogus');
    const table = await screen.findByRole('table', { name: 'Alerts' });
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(2));
    expect(lastQuery().toString()).toBe('state=acknowledged&limit=20&offset=0');
    expect(screen.getByRole('radio', { name: 'Acknowledged' })).toBeChecked();
  });

  it('acknowledges an open alert: it leaves the open list', async () => {
    const rows = inbox();
    apiMock.on('GET', '/alerts', (request) => alertsReply(rows)(request));
    apiMock.on('POST', '/alerts/2/acknowledge', () => {
      const row = rows.find((alert) => alert.id === 2)!;
      Object.assign(row, { state: 'acknowledged', acknowledged_at: '2025-07-12T10:00:00Z' });
      return { body: row };
    });
    const { user } = renderApp('/alerts');
    const table = await screen.findByRole('table', { name: 'Alerts' });
    await user.click(await within(table).findByRole('button', { name: 'Acknowledge budget alert: AI tools' }));
    expect(await screen.findByText('Alert acknowledged')).toBeInTheDocument();
    expect(apiMock.requests('POST', '/alerts/2/acknowledge')).toHaveLength(1);
    await waitFor(() => expect(within(table).queryByText('AI tools')).not.toBeInTheDocument());
    expect(within(table).getAllByRole('row')).toHaveLength(2);
  });

  it('says why an alert cannot be acknowledged', async () => {
    apiMock.on('GET', '/alerts', alertsReply(inbox()));
    apiMock.on('POST', '/alerts/4/acknowledge', { detail: 'Alert 4 is resolved already: its condition has cleared.' }, 409);
    const { user } = renderApp('/alerts');
    const table = await screen.findByRole('table', { name: 'Alerts' });
    await user.click(await within(table).findByRole('button', { name: 'Acknowledge runway alert: OpenAI API' }));
    expect(await screen.findByText('Alert not acknowledged')).toBeInTheDocument();
    expect(screen.getByText('Alert 4 is resolved already: its condition has cleared.')).toBeInTheDocument();
  });

  it('evaluates the rules now and says what happened', async () => {
    apiMock.on('GET', '/alerts', alertsReply(inbox()));
    apiMock.on('POST', '/alerts/evaluate', { opened: 2, resolved: 1, notified: 3 });
    const { user } = renderApp('/alerts');
    await screen.findByRole('table', { name: 'Alerts' });
    const before = apiMock.requests('GET', '/alerts').length;
    await user.click(screen.getByRole('button', { name: 'Evaluate now' }));
    expect(await screen.findByText('2 opened, 1 resolved, 3 notified')).toBeInTheDocument();
    expect(screen.getByText('Rules evaluated')).toBeInTheDocument();
    // New events may have opened: the inbox (and the badge) load again.
    await waitFor(() => expect(apiMock.requests('GET', '/alerts').length).toBeGreaterThan(before));
  });

  it('pages by 20 with the server total', async () => {
    const many = Array.from({ length: 25 }, (_, i) => alertEvent({ id: i + 1, subject: `Budget ${i + 1}` }));
    apiMock.on('GET', '/alerts', alertsReply(many));
    const { user } = renderApp('/alerts');
    expect(await screen.findByText('1–20 of 25')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Page 2' }));
    await waitFor(() => expect(lastQuery().get('offset')).toBe('20'));
    expect(await screen.findByText('21–25 of 25')).toBeInTheDocument();
  });

  it('exports the filtered inbox as CSV', async () => {
    apiMock.on('GET', '/alerts', (request) => (request.query.get('format') === 'csv'
      ? { body: 'id', headers: { 'Content-Disposition': 'attachment; filename="alerts.csv"' } }
      : alertsReply(inbox())(request)));
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: () => 'blob:x', revokeObjectURL: () => undefined }));
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    const { user } = renderApp('/alerts?kind=budget');
    await screen.findByRole('table', { name: 'Alerts' });
    await user.click(screen.getByRole('button', { name: 'Export alerts as CSV' }));
    await waitFor(() => expect(click).toHaveBeenCalled());
    const csv = apiMock.requests('GET', '/alerts').find((request) => request.query.get('format') === 'csv');
    expect(csv!.query.toString()).toBe('state=open&kind=budget&format=csv');
    expect((click.mock.contexts[0] as HTMLAnchorElement).download).toBe('alerts.csv');
  });

  it('counts the open alerts in the navbar and on the dashboard', async () => {
    mockDashboard();
    const open = Array.from({ length: 3 }, (_, i) => alertEvent({ id: i + 1 }));
    apiMock.on('GET', '/alerts', alertsReply([...open, alertEvent({ id: 9, state: 'resolved' })]));
    renderApp('/');
    const nav = await screen.findByRole('navigation', { name: 'Main navigation' });
    expect(await within(nav).findByLabelText('3 open alerts')).toHaveTextContent('3');
    expect(await screen.findByRole('link', { name: '3 open alerts' })).toHaveAttribute('href', '/alerts');
    // One request serves both: a count (one row asked for), not the inbox.
    const counts = apiMock.requests('GET', '/alerts');
    expect(counts).toHaveLength(1);
    expect(counts[0]!.query.toString()).toBe('state=open&limit=1');
  });

  it('shows no count when nothing is open', async () => {
    mockDashboard();
    apiMock.on('GET', '/alerts', alertsReply([alertEvent({ state: 'acknowledged' })]));
    renderApp('/');
    await screen.findByRole('heading', { name: 'Dashboard', level: 1 });
    await waitFor(() => expect(apiMock.requests('GET', '/alerts')).toHaveLength(1));
    expect(screen.queryByText(/open alerts?$/)).not.toBeInTheDocument();
  });
});

describe('subjectLink', () => {
  it('links a budget without a month to the budgets page, and a service-less alert nowhere', () => {
    expect(subjectLink(alertEvent({ period: 'this month' }))).toBe('/budgets');
    expect(subjectLink(alertEvent({ kind: 'anomaly', service_id: 5, budget_id: null }))).toBe('/services/5');
    expect(subjectLink(alertEvent({ kind: 'low_balance', service_id: 8, budget_id: null }))).toBe('/usage?service=8');
    expect(subjectLink(alertEvent({ kind: 'anomaly', service_id: null, budget_id: null }))).toBeNull();
  });
});
