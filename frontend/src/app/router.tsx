import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import {
  Navigate, Outlet, type RouteObject, useLocation,
} from 'react-router-dom';
import { setUnauthorizedHandler } from '@/api/client';
import { AppLayout } from '@/app/layout/AppLayout';
import { PageLoader, RouteError } from '@/components/PageStates';
import { useAuth } from '@/lib/auth';
import { signOutReason } from '@/lib/auth-token';

/** Send the admin to /login (remembering the page) when signed out. */
function RequireAuth() {
  const { isAuthenticated } = useAuth();
  const location = useLocation();
  if (!isAuthenticated) {
    const state = { from: location.pathname + location.search, expired: signOutReason() === 'expired' };
    return <Navigate to="/login" replace state={state} />;
  }
  return <Outlet />;
}

/**
 * A 401 from any call clears the token (so RequireAuth sends the admin to
 * /login, saying the session ended) and drops the cached data.
 */
function AuthRedirects() {
  const queryClient = useQueryClient();
  useEffect(() => {
    setUnauthorizedHandler(() => queryClient.clear());
    return () => setUnauthorizedHandler(null);
  }, [queryClient]);
  return <Outlet />;
}

// Every page is a route module in app/routes (its own chunk, loaded when first
// visited); each exports `Component`, composed from the features it shows.
export const routes: RouteObject[] = [
  {
    element: <AuthRedirects />,
    errorElement: <RouteError />,
    HydrateFallback: PageLoader,
    children: [
      { path: '/login', lazy: () => import('@/app/routes/login') },
      {
        element: <RequireAuth />,
        children: [
          {
            element: <AppLayout />,
            children: [
              { index: true, lazy: () => import('@/app/routes/dashboard') },
              { path: 'alerts', lazy: () => import('@/app/routes/alerts') },
              { path: 'services', lazy: () => import('@/app/routes/services') },
              { path: 'services/:serviceId', lazy: () => import('@/app/routes/service-detail') },
              { path: 'licenses', lazy: () => import('@/app/routes/licenses') },
              { path: 'usage', lazy: () => import('@/app/routes/usage') },
              { path: 'budgets', lazy: () => import('@/app/routes/budgets') },
              { path: 'analytics', lazy: () => import('@/app/routes/analytics') },
              { path: 'import', lazy: () => import('@/app/routes/import') },
              { path: 'connections', lazy: () => import('@/app/routes/connections') },
              { path: 'audit', lazy: () => import('@/app/routes/audit') },
              { path: 'settings', lazy: () => import('@/app/routes/settings') },
              { path: '*', lazy: () => import('@/app/routes/not-found') },
            ],
          },
        ],
      },
    ],
  },
];
