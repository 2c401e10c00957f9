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
});

describe('errorMessage', () => {
  it('reads API errors, plain errors and anything else', () => {
    expect(errorMessage(new ApiError(409, 'Taken'))).toBe('Taken');
    expect(errorMessage(new Error('Plain'))).toBe('Plain');
    expect(errorMessage('???')).toBe('Something went wrong');
  });
});
