import { screen, waitFor, within } from '@testing-library/react';
import { apiMock, listReply } from '@/testing/api-mock';
import { auditEntry } from '@/testing/fixtures';
import { renderApp } from '@/testing/render';

const entries = [
  auditEntry({
    id: 3,
    at: '2025-07-03T10:15:00',
    action: 'update',
    entity: 'license_plan',
    entity_id: 4,
    actor: 'token:ci deploy',
    before: { seats: 10, name: 'Team' },
    after: { seats: 12, name: 'Team' },
    request_id: 'req-3',
  }),
  auditEntry({ id: 1, at: '2025-07-01T08:00:00', after: { name: 'AWS Production', active: true } }),
];

function lastQuery() {
  return apiMock.requests('GET', '/audit').at(-1)!.query;
}

describe('AuditPage', () => {
  it("shows an update's before → after and filters by entity on the server", async () => {
    apiMock.on('GET', '/audit', listReply(entries, { equals: { entity: 'entity', actor: 'actor' } }));
    const { user } = renderApp('/audit');
    expect(await screen.findByRole('heading', { name: 'Audit log', level: 1 })).toBeInTheDocument();
    const table = await screen.findByRole('table', { name: 'Audit log' });
    const update = within(table).getByRole('row', { name: /License plan #4/ });
    expect(within(update).getByText('seats: 10 → 12')).toBeInTheDocument();
    expect(within(update).queryByText(/name:/)).not.toBeInTheDocument();
    expect(within(update).getByText('2025-07-03 10:15')).toBeInTheDocument();
    expect(within(update).getByText('update')).toBeInTheDocument();
    expect(within(update).getByText('req-3')).toBeInTheDocument();
    const create = within(table).getByRole('row', { name: /Service #1/ });
    expect(within(create).getByText('Created "AWS Production"')).toBeInTheDocument();
    expect(lastQuery().toString()).toBe('limit=20&offset=0');

    await user.click(screen.getByRole('textbox', { name: 'Entity' }));
    await user.click(await screen.findByRole('option', { name: 'Service' }));
    await waitFor(() => expect(lastQuery().get('entity')).toBe('service'));
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(2));
    expect(within(table).queryByText('seats: 10 → 12')).not.toBeInTheDocument();

    await user.type(screen.getByRole('textbox', { name: 'Actor' }), 'admin');
    await waitFor(() => expect(lastQuery().get('actor')).toBe('admin'));
    await user.type(screen.getByRole('textbox', { name: 'Entity id' }), '1');
    await waitFor(() => expect(lastQuery().get('entity_id')).toBe('1'));
  });
});

describe('AuditPage export', () => {
  it('downloads the filtered log as CSV, with the token', async () => {
    apiMock.on('GET', '/audit', (request) => (request.query.get('format') === 'csv'
      ? { body: 'id', headers: { 'Content-Disposition': 'attachment; filename="audit.csv"' } }
      : listReply(entries)(request)));
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: () => 'blob:x', revokeObjectURL: () => undefined }));
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    const { user } = renderApp('/audit');
    await screen.findByRole('table', { name: 'Audit log' });
    await user.type(screen.getByRole('textbox', { name: 'Actor' }), 'admin');
    await waitFor(() => expect(lastQuery().get('actor')).toBe('admin'));
    await user.click(screen.getByRole('button', { name: 'Export audit log as CSV' }));
    await waitFor(() => expect(click).toHaveBeenCalled());
    const csv = apiMock.requests('GET', '/audit').find((request) => request.query.get('format') === 'csv');
    expect(csv!.query.toString()).toBe('actor=admin&format=csv');
    expect((click.mock.contexts[0] as HTMLAnchorElement).download).toBe('audit.csv');
  });

  it('sums up an import and a restore in one line each', async () => {
    apiMock.on('GET', '/audit', listReply([
      auditEntry({
        id: 9, action: 'restore', entity: 'backup', entity_id: null, after: { created_at: '2025-07-14T09:30:00', tables: { provider: 9, service: 9 } },
      }),
      auditEntry({
        id: 8, action: 'import', entity: 'usage_consumption', entity_id: null, after: { kind: 'consumption', rows: 100000 },
      }),
    ]));
    renderApp('/audit');
    const table = await screen.findByRole('table', { name: 'Audit log' });
    expect(await within(table).findByText('Restored a backup of 2025-07-14 09:30: 18 row(s) in 2 tables')).toBeInTheDocument();
    expect(within(table).getByText('Imported 100000 row(s) from a CSV file')).toBeInTheDocument();
  });
});
