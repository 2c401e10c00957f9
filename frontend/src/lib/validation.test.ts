import { ApiError } from '@/api/client';
import { fieldErrorsOf, moneyError } from './validation';

describe('fieldErrorsOf', () => {
  it("puts a 422's issues on the body fields they name, renamed for the form", () => {
    const error = new ApiError(422, 'Some values are not valid', [
      { loc: ['body', 'amount'], msg: 'Value error, must be more than zero' },
      { loc: ['body', 'thresholds', 0], msg: 'Input should be greater than or equal to 1' },
      { loc: ['body', 'thresholds', 1], msg: 'Input should be less than or equal to 1000' },
      { loc: ['body', 'service_id'], msg: 'Service 9 does not exist.' },
      { loc: ['body'], msg: 'Value error, a budget of scope service needs service_id' },
      { loc: ['query', 'year'], msg: 'Field required' },
      'not an issue',
    ]);
    expect(fieldErrorsOf(error, { service_id: 'service' })).toEqual({
      amount: 'must be more than zero',
      thresholds: 'Input should be greater than or equal to 1',
      service: 'Service 9 does not exist.',
    });
  });

  it('gives no field for other answers', () => {
    expect(fieldErrorsOf(new ApiError(409, 'Conflict', 'Budget clash'))).toEqual({});
    expect(fieldErrorsOf(new ApiError(422, 'Bad', 'one sentence'))).toEqual({});
    expect(fieldErrorsOf(new Error('network'))).toEqual({});
  });
});

describe('moneyError', () => {
  it('wants a positive plain amount when asked', () => {
    expect(moneyError('0.00', { positive: true })).toBe('Must be greater than zero');
    expect(moneyError('12.345')).toMatch(/two decimals/);
    expect(moneyError('12.34')).toBeNull();
  });
});
