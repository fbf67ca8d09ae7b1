import {
  addDays,
  addMonths,
  addMonthsToMonth,
  daysBetween,
  feedDeadline,
  isBusinessDate,
  isFeedLate,
  lastDayOfMonth,
  shanghaiDate,
  shanghaiInstant,
  toShanghaiIso,
} from './shanghai-time';

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

describe('calendar arithmetic and the feed deadline', () => {
  it('counts months the Civil Code way, ending on the last day of a shorter month', () => {
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2023-11-30', 3)).toBe('2024-02-29');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonths('2023-12-15', -12)).toBe('2022-12-15');
    expect(lastDayOfMonth('2024-02')).toBe('2024-02-29');
    expect(addMonthsToMonth('2023-12', 1)).toBe('2024-01');
  });

  it('counts days across leap years', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2023-02-28', '2023-03-01')).toBe(1);
    expect(daysBetween('2024-01-01', '2023-12-31')).toBe(-1);
  });

  it('makes the feed for D late at 16:00:00 on D+1 Asia/Shanghai, not a millisecond before', () => {
    expect(feedDeadline('2023-12-31').toISOString()).toBe('2024-01-01T08:00:00.000Z');
    expect(isFeedLate('2023-12-31', new Date('2024-01-01T15:59:59.999+08:00'))).toBe(false);
    expect(isFeedLate('2023-12-31', new Date('2024-01-01T16:00:00.000+08:00'))).toBe(true);
    expect(isFeedLate('2023-12-31', new Date('2024-01-01T16:00:01.000+08:00'))).toBe(true);
    // The same instants written in UTC: the server's zone changes nothing.
    expect(isFeedLate('2023-12-31', new Date('2024-01-01T07:59:59.999Z'))).toBe(false);
  });
});
