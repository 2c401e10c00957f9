/** Render with the app's real providers (Mantine in test mode, React Query, modals, toasts, router). */
import type { ReactElement } from 'react';
import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, MemoryRouter, RouterProvider } from 'react-router-dom';
import { AppProvider } from '@/app/provider';
import { routes } from '@/app/router';
import { setToken } from '@/lib/auth-token';
import { createQueryClient } from '@/lib/query-client';

/** The app's query client (with its invalidate-everything rule), without retries. */
export function createTestQueryClient() {
  return createQueryClient({ queries: { retry: false, gcTime: Infinity }, mutations: { retry: false } });
}

export function signIn(token = 'test-token') {
  setToken(token);
}

/** Render one component inside the providers and a memory router. */
export function renderWithProviders(ui: ReactElement, { route = '/' } = {}) {
  const queryClient = createTestQueryClient();
  const user = userEvent.setup();
  const result = render(
    <AppProvider queryClient={queryClient} env="test">
      <MemoryRouter initialEntries={[route]}>{ui}</MemoryRouter>
    </AppProvider>,
  );
  return { ...result, user, queryClient };
}

/** Render the whole app (all routes, lazy pages, layout) at `path`. */
export function renderApp(path = '/', { signedIn = true } = {}) {
  if (signedIn) signIn();
  const queryClient = createTestQueryClient();
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const user = userEvent.setup();
  const result = render(
    <AppProvider queryClient={queryClient} env="test">
      <RouterProvider router={router} />
    </AppProvider>,
  );
  return {
    ...result, user, router, queryClient,
  };
}
