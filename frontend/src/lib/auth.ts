/** Sign-in state: derived from the stored token, shared through a hook. */
import { useCallback, useSyncExternalStore } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import {
  clearToken, getToken, onTokenChange, setToken,
} from '@/lib/auth-token';

export function useAuth() {
  const token = useSyncExternalStore(onTokenChange, getToken, getToken);
  const queryClient = useQueryClient();

  const signIn = useCallback((accessToken: string) => {
    queryClient.clear();
    setToken(accessToken);
  }, [queryClient]);

  const signOut = useCallback(() => {
    clearToken();
    queryClient.clear();
  }, [queryClient]);

  return { isAuthenticated: Boolean(token), signIn, signOut };
}
