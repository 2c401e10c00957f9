import { QueryObserver } from '@tanstack/react-query';
import { ApiError } from '@/api/client';
import { createQueryClient } from './query-client';
import { errorMessage } from './notify';

describe('query client', () => {
  it('retries server and network failures once, never a 4xx', () => {
    const retry = createQueryClient().getDefaultOptions().queries!.retry as (n: number, e: unknown) => boolean;
    expect(retry(0, new ApiError(404, 'Not found'))).toBe(false);
    expect(retry(0, new ApiError(503, 'Down'))).toBe(true);
    expect(retry(1, new ApiError(503, 'Down'))).toBe(false);
    expect(retry(0, new ApiError(0, 'Offline'))).toBe(true);
  });

  it('invalidates every query after any successful mutation, and none after a failed one', async () => {
    const client = createQueryClient({ queries: { retry: false, staleTime: Infinity } });
    let loads = 0;
    const observer = new QueryObserver(client, {
      queryKey: ['services', 'list'],
      queryFn: () => {
        loads += 1;
        return loads;
      },
    });
    const unsubscribe = observer.subscribe(() => {});
    client.setQueryData(['usage', 'balances'], 'cached');
    await vi.waitFor(() => expect(loads).toBe(1));

    const failing = client.getMutationCache().build(client, { mutationFn: () => Promise.reject(new Error('no')) });
    await expect(failing.execute(undefined)).rejects.toThrow('no');
    expect(client.getQueryState(['usage', 'balances'])!.isInvalidated).toBe(false);

    const mutation = client.getMutationCache().build(client, { mutationFn: () => Promise.resolve('ok') });
    await mutation.execute(undefined);
    // Inactive queries are marked stale; active ones are fetched again (before the mutation settles).
    expect(client.getQueryState(['usage', 'balances'])!.isInvalidated).toBe(true);
    expect(loads).toBe(2);
    unsubscribe();
  });
});

describe('errorMessage', () => {
  it('reads API errors, plain errors and anything else', () => {
    expect(errorMessage(new ApiError(409, 'Taken'))).toBe('Taken');
    expect(errorMessage(new Error('Plain'))).toBe('Plain');
    expect(errorMessage('???')).toBe('Something went wrong');
  });
});
