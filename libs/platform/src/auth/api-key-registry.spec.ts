import { ApiKeyRegistry, hashApiKey } from './api-key-registry';
import { parseRole } from './roles';

describe('API keys', () => {
  const registry = new ApiKeyRegistry([
    { holder: 'tax-feed', role: 'tax', sha256: hashApiKey('k1') },
    { holder: 'qingquan-officer', role: 'township:620725100', sha256: hashApiKey('k2') },
  ]);

  it('finds the holder and role of a key by its hash', () => {
    expect(registry.authenticate('k1')).toEqual({ holder: 'tax-feed', role: 'tax', baseRole: 'tax' });
    expect(registry.authenticate('k2')).toEqual({
      holder: 'qingquan-officer',
      role: 'township:620725100',
      baseRole: 'township',
      townshipCode: '620725100',
    });
    expect(registry.authenticate('k3')).toBeUndefined();
  });

  it('refuses unknown roles and malformed hashes', () => {
    expect(() => parseRole('township')).toThrow('unknown role "township"');
    expect(() => parseRole('township:6207')).toThrow('unknown role');
    expect(() => new ApiKeyRegistry([{ holder: 'x', role: 'mib', sha256: 'k1' }])).toThrow(
      'sha256 must be 64 hex characters',
    );
  });
});
