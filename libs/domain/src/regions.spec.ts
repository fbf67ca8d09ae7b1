import { countyOf, regionByCode, SEED_REGIONS } from './regions';

describe('seed regions', () => {
  it('keeps official county codes and marks every assigned code', () => {
    expect(regionByCode('620725')).toMatchObject({ name: '山丹县', official: true });
    expect(regionByCode('620725100')).toMatchObject({
      name: '清泉镇',
      level: 'TOWNSHIP',
      parentCode: '620725',
      official: false,
    });
    expect(regionByCode('620725110')).toMatchObject({ name: '山丹农场' });
    expect(regionByCode('341323100013')).toMatchObject({
      name: '湖光村',
      level: 'VILLAGE',
      parentCode: '341323100',
    });
    expect(SEED_REGIONS.filter((r) => r.level !== 'COUNTY').every((r) => !r.official)).toBe(true);
  });

  it('gives codes of the official shape, unique, each inside its parent', () => {
    const codes = SEED_REGIONS.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const r of SEED_REGIONS) {
      expect(r.code).toMatch({ COUNTY: /^\d{6}$/, TOWNSHIP: /^\d{9}$/, VILLAGE: /^\d{12}$/ }[r.level]);
      if (r.parentCode) expect(r.code.startsWith(r.parentCode)).toBe(true);
      expect(countyOf(r.code)).toBe(r.code.slice(0, 6));
    }
  });
});
