import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, dataOf } from '@/api/client';
import type { FxInfo } from '@/api/types';

/** GET /fx-rates/info: the reporting currency and how far the bundled ECB rates reach. */
export async function getFxInfo(signal?: AbortSignal): Promise<FxInfo> {
  return dataOf(await api.GET('/fx-rates/info', { signal }));
}

export const fxInfoQueryOptions = () => queryOptions({
  queryKey: ['fx-rates', 'info'],
  queryFn: ({ signal }) => getFxInfo(signal),
  staleTime: Infinity,
});

export function useFxInfo() {
  return useQuery(fxInfoQueryOptions());
}
