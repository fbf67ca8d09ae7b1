import { isBusinessDate, isValidResidentId, maskResidentId, maskResidentIdsInText } from '@urrbmi/domain';
import { categoryAllowedFrom, RosterSource, SUBSIDY_CATEGORIES, SubsidyCategory } from '@urrbmi/policy';

export interface RosterRow {
  line: number;
  idNumber: string;
  name: string;
  category: SubsidyCategory;
  certifiedRegionCode: string;
  validFrom: string;
  validTo: string | null;
}

export interface RosterReject {
  line: number;
  idNumber: string | null;
  code: string;
  message: string;
}

/** Category codes, or their Chinese names as the departments write them (特困人员, 低保对象, …). */
const BY_NAME = new Map<string, SubsidyCategory>(
  Object.entries(SUBSIDY_CATEGORIES).map(([code, c]) => [c.name, code as SubsidyCategory]),
);

/** One roster line: `id_number,name,category,certified_region_code,valid_from,valid_to`. */
export function parseRosterRow(
  line: number,
  v: Record<string, string>,
  source: RosterSource,
  asOf: string,
  /** The region the snapshot is of (`X-Region-Code`), when the sender named one. */
  snapshotRegion?: string,
): RosterRow | RosterReject {
  const id = (v.id_number ?? '').trim().toUpperCase();
  const reject = (code: string, message: string): RosterReject => ({
    line,
    idNumber: id.length === 18 ? maskResidentId(id) : null,
    code,
    // Messages echo cells (UNKNOWN_CATEGORY quotes the category); a shifted column holds an ID.
    message: maskResidentIdsInText(message),
  });
  if (!isValidResidentId(id))
    return reject('BAD_ID_NUMBER', 'id_number is not a valid resident ID number (GB 11643 check digit)');
  const name = (v.name ?? '').trim();
  if (!name) return reject('MISSING_NAME', 'name is missing');
  // The same bound as every contract that carries a name: a roster name never breaks what follows.
  if ([...name].length > 100) return reject('NAME_TOO_LONG', 'name is longer than 100 characters');
  const raw = (v.category ?? '').trim();
  const category = (raw in SUBSIDY_CATEGORIES ? raw : BY_NAME.get(raw)) as SubsidyCategory | undefined;
  if (!category) return reject('UNKNOWN_CATEGORY', `category ${raw || '(empty)'} is not a known category`);
  if (!categoryAllowedFrom(category, source))
    return reject(
      'CATEGORY_NOT_FROM_SOURCE',
      `${category} (${SUBSIDY_CATEGORIES[category].name}) is not certified by ${source}`,
    );
  const region = (v.certified_region_code ?? '').trim();
  if (!/^\d{6}$/.test(region))
    return reject('BAD_REGION', 'certified_region_code must be a 6-digit division code');
  if (snapshotRegion !== undefined && region !== snapshotRegion)
    return reject(
      'OTHER_REGION',
      `certified_region_code ${region} is not the region of this snapshot (X-Region-Code ${snapshotRegion})`,
    );
  const from = (v.valid_from ?? '').trim() || asOf;
  const to = (v.valid_to ?? '').trim() || null;
  if (!isBusinessDate(from)) return reject('BAD_DATE', 'valid_from must be a date YYYY-MM-DD');
  if (to !== null && (!isBusinessDate(to) || to < from))
    return reject('BAD_DATE', 'valid_to must be a date YYYY-MM-DD not before valid_from');
  return { line, idNumber: id, name, category, certifiedRegionCode: region, validFrom: from, validTo: to };
}

export function isRosterReject(r: RosterRow | RosterReject): r is RosterReject {
  return 'code' in r;
}
