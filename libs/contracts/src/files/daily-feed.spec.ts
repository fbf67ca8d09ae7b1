import fc from 'fast-check';
import { feedControlAmount } from './daily-feed';

describe('daily feed control amount', () => {
  it('counts integer fen of up to 12 digits, signed, and nothing else', () => {
    expect(feedControlAmount('38000')).toBe(38000);
    expect(feedControlAmount(' -38000 ')).toBe(-38000);
    expect(feedControlAmount('380.00')).toBe(0);
    expect(feedControlAmount('1e5')).toBe(0);
    expect(feedControlAmount('1234567890123')).toBe(0);
    expect(feedControlAmount('')).toBe(0);
    expect(feedControlAmount(undefined)).toBe(0);
  });

  it('is the integer itself for every integer the column can hold', () => {
    fc.assert(
      fc.property(fc.integer({ min: -999_999_999_999, max: 999_999_999_999 }), (n) => {
        expect(feedControlAmount(String(n))).toBe(n);
      }),
    );
  });
});
