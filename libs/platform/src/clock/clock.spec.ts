import { Clock } from './clock';

describe('the service clock', () => {
  it('is the system clock unless told otherwise, and cannot be moved then', () => {
    const clock = new Clock();
    expect(Math.abs(clock.now().getTime() - Date.now())).toBeLessThan(50);
    expect(clock.shifted).toBe(false);
    expect(() => clock.moveTo(new Date('2023-11-01T00:00:00+08:00'))).toThrow('CLOCK_MODE=simulation');
    expect(() => new Clock('2023-10-15T10:00:00+08:00').moveTo(new Date())).toThrow('CLOCK_MODE=simulation');
  });

  it('moves a simulation clock to an instant, forwards or back, and runs on from there', () => {
    const clock = new Clock('2023-10-15T10:00:00+08:00', 'simulation');
    expect(clock.today()).toBe('2023-10-15');
    clock.moveTo(new Date('2023-12-31T23:59:59.900+08:00'));
    expect(clock.today()).toBe('2023-12-31');
    const t = clock.now().getTime();
    expect(t).toBeGreaterThanOrEqual(Date.parse('2023-12-31T23:59:59.900+08:00'));
    expect(t).toBeLessThan(Date.parse('2023-12-31T23:59:59.990+08:00'));
    clock.moveTo(new Date('2023-11-01T09:00:00+08:00'));
    expect(clock.today()).toBe('2023-11-01');
    expect(clock.shifted).toBe(true);
    expect(() => clock.moveTo(new Date('not a date'))).toThrow('not an instant');
  });
});
