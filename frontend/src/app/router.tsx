import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import {
  Navigate, Outlet, type RouteObject, useLocation,
} from 'react-router-dom';
import { setUnauthorizedHandler } from '@/api/client';
import { useAuth } from '@/app/auth';
import { AppLayout } from '@/app/layout/AppLayout';
import { PageLoader, RouteError } from '@/components/PageStates';
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

// Every page is its own chunk, loaded when first visited.
export const routes: RouteObject[] = [
  {
    element: <AuthRedirects />,
    errorElement: <RouteError />,
    HydrateFallback: PageLoader,
    children: [
      {
        path: '/login',
        lazy: async () => ({ Component: (await import('@/features/auth/LoginPage')).LoginPage }),
      },
      {
        element: <RequireAuth />,
        children: [
          {
            element: <AppLayout />,
            children: [
              {
                index: true,
                lazy: async () => ({ Component: (await import('@/features/dashboard/DashboardHome')).DashboardHome }),
              },
              {
                path: 'services',
                lazy: async () => ({ Component: (await import('@/features/services/ServiceManager')).ServiceManager }),
              },
              {
                path: 'services/:serviceId',
                lazy: async () => ({ Component: (await import('@/features/services/ServiceDetail')).ServiceDetail }),
              },
              {
                path: 'licenses',
                lazy: async () => ({ Component: (await import('@/features/licenses/LicenseManager')).LicenseManager }),
              },
              {
                path: 'usage',
                lazy: async () => ({ Component: (await import('@/features/usage/UsageManager')).UsageManager }),
              },
              {
                path: 'settings',
                lazy: async () => ({ Component: (await import('@/features/auth/SettingsPage')).SettingsPage }),
              },
              {
                path: '*',
                lazy: async () => ({ Component: (await import('@/components/NotFound')).NotFound }),
              },
            ],
          },
        ],
      },
    ],
  },
];
