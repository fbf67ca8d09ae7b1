import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ALL_TOPICS } from '@urrbmi/contracts';
import { readEventMap, renderEventMap, withEventMap } from './event-map';

describe('event map (README diagram of who publishes and consumes what)', () => {
  const map = readEventMap();

  it('finds a producer for every topic in the catalog', () => {
    const unproduced = ALL_TOPICS.filter((t) => (map.producers.get(t)?.size ?? 0) === 0);
    expect(unproduced).toEqual([]);
    expect([...map.producers.get('payment.recorded')!]).toEqual(['tax-collection-feed-service']);
    expect([...map.consumers.get('payment.recorded')!].sort()).toEqual([
      'enrollment-service',
      'refund-service',
      'reporting-service',
    ]);
  });

  it('is the diagram in README.md', () => {
    const readme = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
    expect(withEventMap(readme, renderEventMap(map))).toBe(readme);
  });
});
