import fc from 'fast-check';
import { addFen, fen, formatYuan, MoneyError, parseFen, parseYuan, subtractFen, yuanToFen } from './money';

describe('money in fen', () => {
  it('parses yuan text exactly, without floating point', () => {
    expect(parseYuan('380')).toBe(38000);
    expect(parseYuan('380.5')).toBe(38050);
    expect(parseYuan('0.07')).toBe(7);
    expect(parseYuan('-70.00')).toBe(-7000);
    expect(() => parseYuan('380.005')).toThrow(
      new MoneyError('not a yuan amount with at most two decimals: "380.005"'),
    );
    expect(() => parseYuan('3,80')).toThrow(MoneyError);
  });

  it('refuses fractions and overflow', () => {
    expect(() => fen(0.5)).toThrow('amount in fen must be a safe integer, got 0.5');
    expect(() => addFen(fen(Number.MAX_SAFE_INTEGER), fen(1))).toThrow('overflows');
    expect(() => parseFen('12.5')).toThrow('not an integer amount in fen: "12.5"');
    expect(yuanToFen(380)).toBe(38000);
  });

  it('formats and parses back to the same amount', () => {
    fc.assert(fc.property(fc.integer({ min: -1e12, max: 1e12 }), (n) => parseYuan(formatYuan(fen(n))) === n));
    expect(formatYuan(fen(-5))).toBe('-0.05');
  });

  it('adds and subtracts exactly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e9, max: 1e9 }),
        fc.integer({ min: -1e9, max: 1e9 }),
        (a, b) => subtractFen(addFen(fen(a), fen(b)), fen(b)) === a,
      ),
    );
  });
});
