import { screen, waitFor, within } from '@testing-library/react';
import { apiMock } from '@/testing/api-mock';
import { service, services } from '@/testing/fixtures';
import { mockCatalog } from '@/testing/mock-api';
import { renderApp } from '@/testing/render';

async function servicesTable() {
  return screen.findByRole('table', { name: 'Services' });
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
  });

  it('edits a service inline', async () => {
    mockCatalog();
    apiMock.on('PUT', '/service/1', (req) => ({ body: service({ ...(req.body as object) }) }));
    const { user } = renderApp('/services');
    const table = await servicesTable();
    await user.click(within(table).getByRole('button', { name: 'Edit AWS Production' }));
    const name = within(table).getByRole('textbox', { name: 'Name' });
    await user.clear(name);
    await user.type(name, 'AWS Prod');
    await user.clear(within(table).getByRole('textbox', { name: 'Description' }));
    await user.click(within(table).getByRole('button', { name: 'Save AWS Production' }));
    expect(await screen.findByText('Service “AWS Prod” updated')).toBeInTheDocument();
    expect(apiMock.requests('PUT', '/service/1')[0]!.body).toEqual({ name: 'AWS Prod', description: null });
  });

  it('cancels an inline edit without saving', async () => {
    mockCatalog();
    const { user } = renderApp('/services');
    const table = await servicesTable();
    await user.click(within(table).getByRole('button', { name: 'Edit OpenAI API' }));
    await user.click(within(table).getByRole('button', { name: 'Cancel editing' }));
    expect(within(table).queryByRole('textbox', { name: 'Name' })).not.toBeInTheDocument();
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
    await user.click(within(table).getByRole('textbox', { name: 'Category' }));
    await user.click(await screen.findByRole('option', { name: 'Usage' }));
    await user.click(within(table).getByRole('button', { name: 'Save AWS Production' }));
    expect(await screen.findByText('Service has cost records; its category cannot change')).toBeInTheDocument();
    expect(screen.getByText('Service not updated')).toBeInTheDocument();
  });

  it('has empty and error states', async () => {
    apiMock.on('GET', '/categories', []).on('GET', '/providers', []).on('GET', '/service', []);
    renderApp('/services');
    expect(await screen.findByText('No services yet')).toBeInTheDocument();
  });

  it('offers to retry when the list fails', async () => {
    apiMock.on('GET', '/categories', []).on('GET', '/providers', []).on('GET', '/service', { detail: 'boom' }, 500);
    const { user } = renderApp('/services');
    expect(await screen.findByText('boom')).toBeInTheDocument();
    apiMock.on('GET', '/service', []);
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('No services yet')).toBeInTheDocument();
  });
});
