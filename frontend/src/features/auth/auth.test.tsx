import { screen, waitFor } from '@testing-library/react';
import { apiMock } from '@/testing/api-mock';
import { renderApp } from '@/testing/render';
import { mockDashboard, mockFxRates } from '@/testing/scenarios';
import { getToken } from '@/lib/auth-token';

describe('login', () => {
  it('sends a signed-out visitor to the login page', async () => {
    renderApp('/services', { signedIn: false });
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeInTheDocument();
  });

  it('signs in and returns to the page asked for', async () => {
    mockDashboard();
    apiMock.on('POST', '/auth/login', { access_token: 'jwt-1', token_type: 'bearer', expires_in: 3600 });
    const { user, router } = renderApp('/', { signedIn: false });
    await user.type(await screen.findByLabelText(/Email/), 'admin@example.com');
    await user.type(screen.getByLabelText(/^Password/), 'costwatch-demo');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { name: 'Dashboard', level: 1 })).toBeInTheDocument();
    expect(getToken()).toBe('jwt-1');
    expect(router.state.location.pathname).toBe('/');
    expect(apiMock.requests('POST', '/auth/login')[0]!.body).toEqual({ username: 'admin@example.com', password: 'costwatch-demo' });
  });

  it('says so when the password is wrong', async () => {
    apiMock.on('POST', '/auth/login', { detail: 'Incorrect email or password' }, 401);
    const { user } = renderApp('/login', { signedIn: false });
    await user.type(await screen.findByLabelText(/Email/), 'admin@example.com');
    await user.type(screen.getByLabelText(/^Password/), 'nope');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Wrong email or password.')).toBeInTheDocument();
    expect(getToken()).toBeNull();
  });

  it('validates the form before calling the API', async () => {
    const { user } = renderApp('/login', { signedIn: false });
    await user.click(await screen.findByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Enter a valid email address')).toBeInTheDocument();
    expect(screen.getByText('Enter your password')).toBeInTheDocument();
    expect(apiMock.requests()).toHaveLength(0);
  });
});

describe('session', () => {
  it('logs out from the header', async () => {
    mockDashboard();
    const { user, router } = renderApp('/');
    await screen.findByRole('heading', { name: 'Dashboard', level: 1 });
    await user.click(screen.getAllByRole('button', { name: 'Log out' })[0]!);
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    expect(getToken()).toBeNull();
    expect(router.state.location.pathname).toBe('/login');
  });

  it('returns to the login page when the API answers 401', async () => {
    apiMock.on('GET', '/usage/balances', { detail: 'Token expired' }, 401)
      .on('GET', '/connections', { detail: 'Token expired' }, 401);
    const { router } = renderApp('/usage');
    expect(await screen.findByText('Your session has ended. Please sign in again.')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(getToken()).toBeNull();
  });

  it('switches between light and dark themes', async () => {
    mockDashboard();
    const { user } = renderApp('/');
    await user.click(await screen.findByRole('button', { name: 'Switch to dark theme' }));
    await waitFor(() => expect(document.documentElement).toHaveAttribute('data-mantine-color-scheme', 'dark'));
    await user.click(screen.getByRole('button', { name: 'Switch to light theme' }));
    await waitFor(() => expect(document.documentElement).toHaveAttribute('data-mantine-color-scheme', 'light'));
  });

  it('shows a not-found page inside the layout', async () => {
    renderApp('/nowhere');
    expect(await screen.findByRole('heading', { name: 'Page not found' })).toBeInTheDocument();
  });
});

describe('settings', () => {
  it('changes the password, then signs out', async () => {
    mockFxRates();
    apiMock.on('GET', '/auth/me', { email: 'admin@example.com' })
      .on('GET', '/tokens', [])
      .on('GET', '/notification-channels', [])
      .on('POST', '/auth/password', () => ({ status: 204 }));
    const { user, router } = renderApp('/settings');
    expect(await screen.findByText(/Signed in as admin@example.com/)).toBeInTheDocument();
    await user.type(screen.getByLabelText(/^Current password/), 'costwatch-demo');
    await user.type(screen.getByLabelText(/^New password/), 'a-better-secret');
    await user.type(screen.getByLabelText(/^Repeat new password/), 'a-better-secret');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('Password changed. Please sign in with the new password.')).toBeInTheDocument();
    expect(apiMock.requests('POST', '/auth/password')[0]!.body).toEqual({
      current_password: 'costwatch-demo', new_password: 'a-better-secret',
    });
    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
    expect(getToken()).toBeNull();
  });

  it('checks the new password and shows the API error', async () => {
    mockFxRates();
    apiMock.on('GET', '/auth/me', { email: 'admin@example.com' })
      .on('GET', '/tokens', [])
      .on('GET', '/notification-channels', [])
      .on('POST', '/auth/password', { detail: 'Current password is wrong' }, 400);
    const { user } = renderApp('/settings');
    await user.type(await screen.findByLabelText(/^Current password/), 'wrong-one');
    await user.type(screen.getByLabelText(/^New password/), 'short');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('At least 12 characters')).toBeInTheDocument();
    expect(screen.getByText('The passwords do not match')).toBeInTheDocument();

    await user.clear(screen.getByLabelText(/^New password/));
    await user.type(screen.getByLabelText(/^New password/), 'long-enough-1');
    await user.type(screen.getByLabelText(/^Repeat new password/), 'long-enough-1');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('Current password is wrong')).toBeInTheDocument();
    expect(getToken()).not.toBeNull();
  });
});
