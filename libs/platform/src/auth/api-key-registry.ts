import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseRole, Principal } from './roles';

export interface ApiKeyRecord {
  holder: string;
  role: string;
  /** Hex SHA-256 of the key. Keys are 32 random bytes, so a fast hash is enough; the key itself is never stored. */
  sha256: string;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The keys a service accepts, by hash. */
export class ApiKeyRegistry {
  private readonly byHash = new Map<string, Principal>();

  constructor(records: ApiKeyRecord[]) {
    for (const r of records) {
      if (!/^[0-9a-f]{64}$/.test(r.sha256))
        throw new Error(`API key of "${r.holder}": sha256 must be 64 hex characters`);
      if (!r.holder || typeof r.holder !== 'string') throw new Error('every API key needs a holder');
      const { baseRole, townshipCode } = parseRole(r.role);
      this.byHash.set(r.sha256, { holder: r.holder, role: r.role, baseRole, townshipCode });
    }
  }

  static fromFile(path: string | undefined): ApiKeyRegistry {
    if (!path) return new ApiKeyRegistry([]);
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { keys?: ApiKeyRecord[] };
    if (!Array.isArray(parsed.keys)) throw new Error(`${path}: expected {"keys": [...]}`);
    return new ApiKeyRegistry(parsed.keys);
  }

  get size(): number {
    return this.byHash.size;
  }

  authenticate(key: string): Principal | undefined {
    // Lookup by hash: timing can only tell about hashes, never about the key itself.
    return this.byHash.get(hashApiKey(key));
  }
}
