import { ForbiddenException } from '@nestjs/common';
import { AreaScope } from './area-scope';

describe('AreaScope', () => {
  const qingquan = AreaScope.of({ baseRole: 'township', townshipCode: '620725100' });

  it('is county-wide for every role but a township', () => {
    for (const baseRole of ['mib', 'tax', 'finance', 'ops', 'admin'] as const) {
      const scope = AreaScope.of({ baseRole });
      expect(scope.limited).toBe(false);
      expect(scope.sqlTownship).toBeNull();
      expect(scope.covers('620725101')).toBe(true);
      expect(scope.covers(null)).toBe(true);
    }
    expect(qingquan.limited).toBe(true);
    expect(qingquan.sqlTownship).toBe('620725100');
  });

  it('covers the own township and its villages, nothing else (not the county, not a neighbour)', () => {
    expect(qingquan.covers('620725100')).toBe(true);
    expect(qingquan.covers('620725100001')).toBe(true);
    expect(qingquan.covers('620725101')).toBe(false);
    expect(qingquan.covers('620725101001')).toBe(false);
    expect(qingquan.covers('620725')).toBe(false);
    expect(qingquan.covers(null)).toBe(false);
    expect(qingquan.covers('')).toBe(false);
    expect(qingquan.coversRegion('620725')).toBe(true);
    expect(qingquan.coversRegion('620722')).toBe(false);
  });

  it('refuses an address outside the township in any of its parts, with the 403 every route gives', () => {
    expect(() => qingquan.assertAddress({ regionCode: '620725', townshipCode: '620725100' })).not.toThrow();
    expect(() =>
      qingquan.assertAddress({
        regionCode: '620725',
        townshipCode: '620725100',
        villageCode: '620725100002',
      }),
    ).not.toThrow();
    for (const bad of [
      { regionCode: '620722', townshipCode: '620725100' },
      { regionCode: '620725', townshipCode: '620725100', villageCode: '620725101001' },
      { regionCode: '620725', townshipCode: '620725101' },
      { regionCode: '620725' },
    ]) {
      expect(() => qingquan.assertAddress(bad)).toThrow(
        new ForbiddenException('township 620725100 may only see its own area'),
      );
    }
    expect(() => AreaScope.ALL.assertAddress({ regionCode: '620722' })).not.toThrow();
  });

  it('keeps details of another area from a township, and gives them to whoever may see them', () => {
    const info = { enrollmentId: 'e-1', status: 'ACTIVE' };
    expect(qingquan.visible(info, '620725101')).toBeUndefined();
    expect(qingquan.visible(info, '620725100')).toBe(info);
    expect(AreaScope.ALL.visible(info, '620725101')).toBe(info);
  });

  it('reads the scope of a stored role, and deduplicates content per township', () => {
    expect(AreaScope.ofRole('township:620725101').townshipCode).toBe('620725101');
    expect(AreaScope.ofRole('township:620725101').dedupKey).toBe('620725101');
    expect(AreaScope.ofRole('mib').dedupKey).toBe('');
    expect(AreaScope.ofRole('township:6207').limited).toBe(false);
  });
});
