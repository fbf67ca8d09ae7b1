import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { IdentityPeriod, RosterSource, SubsidyCategory } from '@urrbmi/policy';

interface IdentityRow {
  id_number: string;
  source: RosterSource;
  category: SubsidyCategory;
  certified_region_code: string;
  valid_from: string;
  valid_to: string | null;
}

/** The identity periods the departments certified (written by approved rosters, see RosterRepository). */
@Injectable()
export class IdentityRepository {
  /** The identity periods of many people, in one query. */
  async of(m: EntityManager, idNumbers: string[]): Promise<Map<string, IdentityPeriod[]>> {
    const out = new Map<string, IdentityPeriod[]>();
    if (idNumbers.length === 0) return out;
    const rows: IdentityRow[] = await m.query(
      `SELECT id_number, source, category, certified_region_code, to_char(valid_from, 'YYYY-MM-DD') AS valid_from,
              to_char(valid_to, 'YYYY-MM-DD') AS valid_to
         FROM subsidy.identities WHERE id_number = ANY($1::text[])`,
      [idNumbers],
    );
    for (const r of rows) {
      const list = out.get(r.id_number) ?? [];
      list.push({
        category: r.category,
        source: r.source,
        certifiedRegionCode: r.certified_region_code,
        validFrom: r.valid_from,
        validTo: r.valid_to,
      });
      out.set(r.id_number, list);
    }
    return out;
  }
}
