import { screen, waitFor, within } from '@testing-library/react';
import { apiMock } from '@/testing/api-mock';
import { service, services } from '@/testing/fixtures';
import { mockCatalog } from '@/testing/scenarios';
import { renderApp } from '@/testing/render';

async function servicesTable() {
  return screen.findByRole('table', { name: 'Services' });
}

function lastQuery(path: string) {
  return apiMock.requests('GET', path).at(-1)!.query;
}

describe('ServiceManager', () => {
  it('lists every service with its provider, category and status', async () => {
    mockCatalog();
    renderApp('/services');
    const table = await servicesTable();
    expect(within(table).getAllByRole('row')).toHaveLength(4);
    const row = within(table).getByRole('row', { name: /AWS Production/ });
    expect(within(row).getByRole('link', { name: 'AWS Production' })).toHaveAttribute('href', '/services/1');
    expect(within(row).getByText('Infrastructure')).toBeInTheDocument();
    expect(within(row).getByRole('switch', { name: 'AWS Production active' })).toBeChecked();
    // One page of 20, sorted by name, from the server; no provider list is downloaded.
    expect(lastQuery('/service').toString()).toBe('sort=name&limit=20&offset=0');
    expect(apiMock.requests('GET', '/providers')).toHaveLength(0);
  });

  it('searches, filters and sorts on the server', async () => {
    mockCatalog();
    const { user } = renderApp('/services');
    const table = await servicesTable();
    await user.type(screen.getByRole('textbox', { name: 'Search Services' }), 'open');
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(2));
    expect(lastQuery('/service').get('q')).toBe('open');
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));

    await user.click(screen.getByRole('button', { name: 'Filter by Category' }));
    await user.click(screen.getByRole('textbox', { name: 'Filter Category' }));
    await user.click(await screen.findByRole('option', { name: 'User License' }));
    await waitFor(() => expect(lastQuery('/service').get('category_id')).toBe('2'));
    expect(within(table).getByRole('row', { name: /Microsoft 365/ })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Filter by Status' }));
    await user.click(screen.getByRole('textbox', { name: 'Filter Status' }));
    await user.click(await screen.findByRole('option', { name: 'Inactive' }));
    await waitFor(() => expect(lastQuery('/service').get('active')).toBe('false'));
    expect(await within(table).findByText('No rows match the filters.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));

    await user.click(screen.getByRole('button', { name: 'Filter by Provider' }));
    await user.type(screen.getByRole('textbox', { name: 'Filter Provider' }), 'Open');
    // The typed text goes to the server (debounced), 20 options at most.
    await waitFor(() => expect(lastQuery('/providers').get('q')).toBe('Open'));
    expect(lastQuery('/providers').get('limit')).toBe('20');
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(1));
    await user.click(screen.getByRole('option', { name: 'OpenAI' }));
    await waitFor(() => expect(lastQuery('/service').get('provider_id')).toBe('3'));

    await user.click(screen.getByRole('button', { name: 'Sort by Provider' }));
    await waitFor(() => expect(lastQuery('/service').get('sort')).toBe('provider_name'));
    expect(screen.getByRole('button', { name: 'Sort by Status' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Sort by Description' })).not.toBeInTheDocument();
  });

  it('creates a service with a new provider', async () => {
    mockCatalog();
    apiMock.on('POST', '/providers', (req) => ({
      status: 201, body: { id: 9, name: (req.body as { name: string }).name, website: null },
    }));
    apiMock.on('POST', '/service', (req) => ({
      status: 201,
      body: service({ id: 99, ...(req.body as object), provider_name: 'Hetzner' }),
    }));
    const { user } = renderApp('/services');
    await servicesTable();
    await user.click(screen.getByRole('button', { name: 'New service' }));
    const dialog = await screen.findByRole('dialog', { name: 'New service' });
    await user.click(within(dialog).getByRole('button', { name: 'Create service' }));
    expect(await within(dialog).findByText('Enter a name')).toBeInTheDocument();
    expect(within(dialog).getByText('Choose or add a provider')).toBeInTheDocument();

    await user.type(within(dialog).getByRole('textbox', { name: /^Name/ }), 'Hetzner servers');
    await user.type(within(dialog).getByRole('textbox', { name: /^Provider/ }), 'Hetzner');
    await user.click(await screen.findByRole('option', { name: '+ Add provider “Hetzner”' }));
    expect(within(dialog).getByRole('textbox', { name: /^Provider/ })).toHaveValue('Hetzner');
    await user.click(within(dialog).getByRole('textbox', { name: /^Category/ }));
    await user.click(await screen.findByRole('option', { name: 'Infrastructure' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Description' }), 'Two boxes');
    await user.click(within(dialog).getByRole('button', { name: 'Create service' }));

    expect(await screen.findByText('Service “Hetzner servers” created')).toBeInTheDocument();
    expect(apiMock.requests('POST', '/providers')[0]!.body).toEqual({ name: 'Hetzner' });
    expect(apiMock.requests('POST', '/service')[0]!.body).toEqual({
      name: 'Hetzner servers', provider_id: 9, category_id: 1, description: 'Two boxes', active: true,
    });
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'New service' })).not.toBeInTheDocument());
    // The list is fetched again after the change.
    await waitFor(() => expect(apiMock.requests('GET', '/service').length).toBeGreaterThan(1));
    // The provider search only ran while the dropdown was open, 20 at a time.
    expect(lastQuery('/providers').get('limit')).toBe('20');
  });

  it('edits a service in its modal, sending only what changed', async () => {
    mockCatalog();
    apiMock.on('PUT', '/service/1', (req) => ({ body: service({ ...(req.body as object) }) }));
    const { user } = renderApp('/services');
    const table = await servicesTable();
    await user.click(within(table).getByRole('button', { name: 'Edit AWS Production' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit “AWS Production”' });
    expect(within(dialog).getByRole('textbox', { name: /^Provider/ })).toHaveValue('AWS');
    const name = within(dialog).getByRole('textbox', { name: /^Name/ });
    expect(name).toHaveValue('AWS Production');
    await user.clear(name);
    await user.type(name, 'AWS Prod');
    await user.clear(within(dialog).getByRole('textbox', { name: 'Description' }));
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Service “AWS Prod” updated')).toBeInTheDocument();
    expect(apiMock.requests('PUT', '/service/1')[0]!.body).toEqual({ name: 'AWS Prod', description: null });
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('moves a service to another provider', async () => {
    mockCatalog();
    apiMock.on('PUT', '/service/1', (req) => ({ body: service({ ...(req.body as object) }) }));
    const { user } = renderApp('/services');
    const table = await servicesTable();
    await user.click(within(table).getByRole('button', { name: 'Edit AWS Production' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit “AWS Production”' });
    const provider = within(dialog).getByRole('textbox', { name: /^Provider/ });
    await user.clear(provider);
    await user.type(provider, 'Micro');
    await user.click(await screen.findByRole('option', { name: 'Microsoft' }));
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Service “AWS Production” updated')).toBeInTheDocument();
    expect(apiMock.requests('PUT', '/service/1')[0]!.body).toEqual({ provider_id: 2 });
  });

  it('cancels an edit without saving, and saves nothing when nothing changed', async () => {
    mockCatalog();
    const { user } = renderApp('/services');
    const table = await servicesTable();
    await user.click(within(table).getByRole('button', { name: 'Edit OpenAI API' }));
    let dialog = await screen.findByRole('dialog', { name: 'Edit “OpenAI API”' });
    await user.type(within(dialog).getByRole('textbox', { name: /^Name/ }), ' 2');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());

    // The form starts afresh on the next open.
    await user.click(within(table).getByRole('button', { name: 'Edit OpenAI API' }));
    dialog = await screen.findByRole('dialog', { name: 'Edit “OpenAI API”' });
    expect(within(dialog).getByRole('textbox', { name: /^Name/ })).toHaveValue('OpenAI API');
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(apiMock.requests('PUT')).toHaveLength(0);
  });

  it('toggles a service active', async () => {
    mockCatalog();
    apiMock.on('PUT', '/service/3', { ...services[2], active: false });
    const { user } = renderApp('/services');
    const table = await servicesTable();
    await user.click(within(table).getByRole('switch', { name: 'OpenAI API active' }));
    expect(await screen.findByText('Service “OpenAI API” deactivated')).toBeInTheDocument();
    expect(apiMock.requests('PUT', '/service/3')[0]!.body).toEqual({ active: false });
  });

  it('asks before the soft delete', async () => {
    mockCatalog();
    apiMock.on('DELETE', '/service/2', () => ({ status: 204 }));
    const { user } = renderApp('/services');
    const table = await servicesTable();
    await user.click(within(table).getByRole('button', { name: 'Delete Microsoft 365' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete “Microsoft 365”?' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(apiMock.requests('DELETE')).toHaveLength(0);

    await user.click(within(table).getByRole('button', { name: 'Delete Microsoft 365' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Delete service' }));
    expect(await screen.findByText(/Service “Microsoft 365” deleted/)).toBeInTheDocument();
    expect(apiMock.requests('DELETE', '/service/2')).toHaveLength(1);
  });

  it('shows the API error in a toast when a change is refused', async () => {
    mockCatalog();
    apiMock.on('PUT', '/service/1', { detail: 'Service has cost records; its category cannot change' }, 409);
    const { user } = renderApp('/services');
    const table = await servicesTable();
    await user.click(within(table).getByRole('button', { name: 'Edit AWS Production' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit “AWS Production”' });
    await user.click(within(dialog).getByRole('textbox', { name: /^Category/ }));
    await user.click(await screen.findByRole('option', { name: 'Usage' }));
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Service has cost records; its category cannot change')).toBeInTheDocument();
    expect(screen.getByText('Service not updated')).toBeInTheDocument();
    expect(apiMock.requests('PUT', '/service/1')[0]!.body).toEqual({ category_id: 3 });
    // The form stays open to fix the values.
    expect(screen.getByRole('dialog', { name: 'Edit “AWS Production”' })).toBeInTheDocument();
  });

  it('has empty and error states', async () => {
    apiMock.on('GET', '/categories', []).on('GET', '/service', []);
    renderApp('/services');
    expect(await screen.findByText('No services yet')).toBeInTheDocument();
  });

  it('offers to retry when the list fails', async () => {
    apiMock.on('GET', '/categories', []).on('GET', '/service', { detail: 'boom' }, 500);
    const { user } = renderApp('/services');
    expect(await screen.findByText('boom')).toBeInTheDocument();
    apiMock.on('GET', '/service', []);
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('No services yet')).toBeInTheDocument();
  });
});
