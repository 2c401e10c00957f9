import { MutationCache, QueryClient, type DefaultOptions } from '@tanstack/react-query';
import { ApiError } from '@/api/client';

/** Retry network and server failures once; never retry a 4xx answer. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failureCount < 1;
}

const DEFAULT_OPTIONS: DefaultOptions = {
  queries: {
    staleTime: 30_000,
    retry: shouldRetry,
    refetchOnWindowFocus: false,
  },
  mutations: { retry: false },
};

/**
 * The one invalidation rule: after any successful mutation, every query is
 * invalidated (active ones refetch, the rest refetch when next used). The
 * server bumps a data version on every write, so nothing cached survives a
 * write anyway; no mutation keeps its own list of keys to refresh. The
 * mutation stays pending until the visible data has been refetched.
 */
function invalidateEverything(context: { client: QueryClient }): Promise<void> {
  return context.client.invalidateQueries();
}

export function createQueryClient(defaultOptions: DefaultOptions = DEFAULT_OPTIONS): QueryClient {
  return new QueryClient({
    mutationCache: new MutationCache({
      onSuccess: (_data, _variables, _onMutateResult, _mutation, context) => invalidateEverything(context),
    }),
    defaultOptions,
  });
}
