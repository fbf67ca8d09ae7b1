import { addDays, isBusinessDate, shanghaiDate, shanghaiInstant, toShanghaiIso } from './shanghai-time';

describe('Asia/Shanghai business time', () => {
  it('gives the Shanghai date of an instant whatever the server zone', () => {
    expect(shanghaiDate(new Date('2023-12-31T15:59:59.999Z'))).toBe('2023-12-31');
    expect(shanghaiDate(new Date('2023-12-31T16:00:00.000Z'))).toBe('2024-01-01');
  });

  it('places wall-clock times on the +08:00 offset', () => {
    expect(shanghaiInstant('2024-01-02', '16:00:00').toISOString()).toBe('2024-01-02T08:00:00.000Z');
    expect(toShanghaiIso(new Date('2024-01-02T08:00:00.000Z'))).toBe('2024-01-02T16:00:00.000+08:00');
  });

  it('adds days across month and leap-year ends', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2023-12-31', 1)).toBe('2024-01-01');
  });

  it('accepts only real calendar dates', () => {
    expect(isBusinessDate('2024-02-29')).toBe(true);
    expect(isBusinessDate('2023-02-29')).toBe(false);
    expect(isBusinessDate('2023-2-1')).toBe(false);
  });
});
