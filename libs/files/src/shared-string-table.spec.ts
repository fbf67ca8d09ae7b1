import fc from 'fast-check';
import { SharedStringTable } from './shared-string-table';

describe('SharedStringTable', () => {
  it('gives back every string it was given, by position', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constant(''))),
        (strings) => {
          const t = new SharedStringTable();
          for (const s of strings) t.append(s);
          expect(t.size).toBe(strings.length);
          expect(strings.map((_, i) => t.get(i))).toEqual(strings);
        },
      ),
    );
  });

  it('keeps strings across buffers, one larger than a buffer, and Chinese text intact', () => {
    const t = new SharedStringTable();
    const strings: string[] = [];
    for (let i = 0; i < 150_000; i++)
      strings.push(i % 2 ? `居民${i}` : `62072519${String(i).padStart(10, '0')}`);
    strings.splice(70_000, 0, '欧阳'.repeat(400_000), '');
    for (const s of strings) t.append(s);
    expect(t.size).toBe(strings.length);
    for (const i of [0, 1, 69_999, 70_000, 70_001, 70_002, strings.length - 1])
      expect(t.get(i)).toBe(strings[i]);
    expect(strings.every((s, i) => t.get(i) === s)).toBe(true);
  });

  it('answers undefined for a position it does not have', () => {
    const t = new SharedStringTable();
    t.append('a');
    expect([t.get(-1), t.get(1), t.get(0.5), t.get(Number.NaN)]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
