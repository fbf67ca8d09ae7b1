import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** The largest standing version: a cancellation known only from `enrollment.cancelled` is final. */
export const FINAL_VERSION = 2_147_483_647;

/**
 * One fact about a person's enrolment as the roster needs it. `version` 0 is the registration;
 * `legacyActivation` is an `enrollment.activated` without a standing version (a producer older than
 * `enrollment.standing`): it only moves a registration with no later standing to ACTIVE.
 */
export interface EnrolmentFact {
  idNumber: string;
  season: number;
  regionCode: string;
  townshipCode: string | null;
  villageCode: string | null;
  /** From the registration only. */
  name: string | null;
  enrollmentId: string;
  registeredAt: string | null;
  version: number;
  status: 'REGISTERED' | 'ACTIVE' | 'CANCELLED';
  /** The standard at registration (registration only). */
  registeredDueFen: number | null;
  /** What to show as due until the registration arrives. */
  placeholderDueFen: number;
  legacyActivation: boolean;
}

export interface AssessmentFact {
  idNumber: string;
  season: number;
  regionCode: string;
  amountDueFen: number;
  category: string | null;
  assessedAt: string;
}

/** One line of the roster the tax bureau collects against. */
export interface CollectionRosterEntry {
  idNumber: string;
  name: string | null;
  regionCode: string;
  townshipCode: string | null;
  villageCode: string | null;
  season: number;
  status: string;
  amountDueFen: number;
  changeSeq: string;
}

/** A place in the roster's change order: the writing transaction, then the change's sequence value. */
export interface RosterPosition {
  xid: string;
  seq: string;
}

interface CollectionRosterRow {
  id_number: string;
  name: string | null;
  region_code: string;
  township_code: string | null;
  village_code: string | null;
  season: number;
  status: string;
  amount_due_fen: string;
  change_xid: string;
  change_seq: string;
}

/**
 * Every statement on the collection roster's projection. Facts of one person arrive on different
 * topics in any order; each statement keeps what the latest fact says, by the facts' own order:
 * (registration instant, enrolment id) decides between enrolments of one person and season, the
 * standing version within one enrolment, and the assessment instant between assessments.
 */
@Injectable()
export class RosterRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * How far a pull of a region and season may read now. A change is served only once no transaction
   * that could still commit a change ordered before it is running: `below` is the lowest id of a
   * transaction of this database still running (ids of other databases' transactions are left out,
   * they never write here), or the snapshot's horizon when none is; `upto` the last change before it;
   * `heldBack` says a committed change lies beyond it. Every transaction of the database counts
   * (the five services may share one): a long one holds pulls back until it ends, never loses a
   * change. Runs on the primary only (a standby's snapshot does not list running transactions).
   */
  async pullBound(
    region: string,
    season: number,
  ): Promise<{ upto: RosterPosition; below: string; horizon: string; heldBack: boolean }> {
    const [row]: {
      upto_xid: string | null;
      upto_seq: string | null;
      below: string;
      horizon: string;
      held_back: boolean;
    }[] = await this.dataSource.query(
      `WITH bound AS (
         SELECT coalesce(
                  (SELECT min(x) FROM pg_snapshot_xip(pg_current_snapshot()) AS x
                    WHERE xid(x) NOT IN (SELECT backend_xid FROM pg_stat_activity
                                          WHERE datname <> current_database() AND backend_xid IS NOT NULL)),
                  pg_snapshot_xmax(pg_current_snapshot())) AS below,
                pg_snapshot_xmax(pg_current_snapshot()) AS horizon),
       last AS (
         SELECT r.change_xid, r.change_seq FROM tax_feed.roster r, bound
          WHERE r.region_code = $1 AND r.season = $2 AND r.change_xid < bound.below
          ORDER BY r.change_xid DESC, r.change_seq DESC LIMIT 1)
       SELECT (SELECT change_xid::text FROM last) AS upto_xid, (SELECT change_seq::text FROM last) AS upto_seq,
              below::text, horizon::text,
              EXISTS (SELECT 1 FROM tax_feed.roster r
                       WHERE r.region_code = $1 AND r.season = $2 AND r.change_xid >= bound.below) AS held_back
         FROM bound`,
      [region, season],
    );
    return {
      upto: { xid: row.upto_xid ?? '0', seq: row.upto_seq ?? '0' },
      below: row.below,
      horizon: row.horizon,
      heldBack: row.held_back,
    };
  }

  /** Enrolled persons changed after `after` up to `upto`, in change order, at most `limit`. */
  async changedBetween(
    region: string,
    season: number,
    after: RosterPosition,
    upto: RosterPosition,
    limit: number,
  ): Promise<{ entries: CollectionRosterEntry[]; last: RosterPosition | null }> {
    const rows: CollectionRosterRow[] = await this.dataSource.query(
      `SELECT id_number, name, region_code, township_code, village_code, season, status,
              coalesce(assessed_due_fen, registered_due_fen)::text AS amount_due_fen,
              change_xid::text, change_seq::text
         FROM tax_feed.roster roster WHERE region_code = $1 AND season = $2 AND status <> 'PENDING'
          AND (change_xid, change_seq) > ($3::xid8, $4::bigint) AND (change_xid, change_seq) <= ($5::xid8, $6::bigint)
        ORDER BY roster.change_xid, roster.change_seq LIMIT $7`,
      [region, season, after.xid, after.seq, upto.xid, upto.seq, limit],
    );
    const last = rows.at(-1);
    return {
      entries: rows.map((r) => ({
        idNumber: r.id_number,
        name: r.name,
        regionCode: r.region_code,
        townshipCode: r.township_code,
        villageCode: r.village_code,
        season: Number(r.season),
        status: r.status,
        amountDueFen: Number(r.amount_due_fen),
        changeSeq: r.change_seq,
      })),
      last: last ? { xid: last.change_xid, seq: last.change_seq } : null,
    };
  }

  /** Handlers of different topics may write one person at once: they take turns per person. */
  private async lockPeople(m: EntityManager, keys: { idNumber: string; season: number }[]): Promise<void> {
    await m.query(
      `SELECT pg_advisory_xact_lock(k) FROM (
         SELECT DISTINCT hashtextextended('tax_feed.roster:' || i || ':' || s, 0) AS k
           FROM unnest($1::text[], $2::int[]) AS x(i, s) ORDER BY 1) keys`,
      [keys.map((k) => k.idNumber), keys.map((k) => k.season)],
    );
  }

  async applyEnrolmentFacts(m: EntityManager, facts: EnrolmentFact[]): Promise<void> {
    if (facts.length === 0) return;
    const fs = strongestPerPerson(facts);
    await this.lockPeople(m, fs);
    const params = [
      fs.map((f) => f.idNumber),
      fs.map((f) => f.season),
      fs.map((f) => f.regionCode),
      fs.map((f) => f.townshipCode),
      fs.map((f) => f.villageCode),
      fs.map((f) => f.name),
      fs.map((f) => f.enrollmentId),
      fs.map((f) => f.registeredAt),
      fs.map((f) => f.version),
      fs.map((f) => f.status),
      fs.map((f) => f.registeredDueFen),
      fs.map((f) => f.placeholderDueFen),
      fs.map((f) => f.legacyActivation),
    ];
    const facts$ = `unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[],
                            $8::timestamptz[], $9::int[], $10::text[], $11::int[], $12::int[], $13::bool[])
                     AS x(i, s, rc, t, v, n, e, ra, ver, st, d, dp, legacy)`;
    // A person seen for the first time: the fact as it is.
    await m.query(
      `INSERT INTO tax_feed.roster (id_number, season, region_code, township_code, village_code, name, enrollment_id,
                                    status, registered_due_fen, registered_at, standing_version)
       SELECT i, s, rc, t, v, coalesce(n, ''), e, st, coalesce(d, dp), ra, ver FROM ${facts$}
       ON CONFLICT (id_number, season) DO NOTHING`,
      params,
    );
    // A person seen before (including the row just inserted, which the fact leaves as it is): the
    // fact wins where it is later; the row changes (and comes back in the next pull) only if it differs.
    await m.query(
      `UPDATE tax_feed.roster r SET enrollment_id = u.e, status = u.st, standing_version = u.ver,
              registered_at = u.ra, name = u.n, region_code = u.rc, township_code = u.t, village_code = u.v,
              registered_due_fen = u.d, change_seq = nextval('tax_feed.roster_change_seq'), updated_at = now()
         FROM (
           SELECT c.i, c.s,
                  CASE WHEN c.later THEN c.e ELSE c.r_e END AS e,
                  CASE WHEN c.newer THEN c.st ELSE c.r_st END AS st,
                  CASE WHEN c.newer THEN c.ver ELSE c.r_ver END AS ver,
                  CASE WHEN c.later THEN c.ra WHEN c.same THEN coalesce(c.r_ra, c.ra) ELSE c.r_ra END AS ra,
                  CASE WHEN (c.later OR c.same) AND c.n IS NOT NULL THEN c.n ELSE c.r_n END AS n,
                  CASE WHEN c.later OR c.same THEN c.rc ELSE c.r_rc END AS rc,
                  CASE WHEN c.later THEN c.t WHEN c.same THEN coalesce(c.t, c.r_t) ELSE c.r_t END AS t,
                  CASE WHEN c.later THEN c.v WHEN c.same THEN coalesce(c.v, c.r_v) ELSE c.r_v END AS v,
                  CASE WHEN (c.later OR c.same) AND c.d IS NOT NULL THEN c.d ELSE c.r_d END AS d
             FROM (
               SELECT x.*, r.enrollment_id AS r_e, r.status AS r_st, r.standing_version AS r_ver, r.registered_at AS r_ra,
                      r.name AS r_n, r.region_code AS r_rc, r.township_code AS r_t, r.village_code AS r_v,
                      r.registered_due_fen AS r_d, l.same, l.later,
                      l.later OR (l.same AND (x.ver > r.standing_version
                                  OR (x.legacy AND r.standing_version = 0 AND r.status = 'REGISTERED'))) AS newer
                 FROM ${facts$}
                 JOIN tax_feed.roster r ON r.id_number = x.i AND r.season = x.s
                 CROSS JOIN LATERAL (SELECT coalesce(r.enrollment_id = x.e, false) AS same,
                   (r.enrollment_id IS NULL OR (r.enrollment_id <> x.e AND x.ra IS NOT NULL
                     AND (r.registered_at IS NULL OR (x.ra, x.e) > (r.registered_at, r.enrollment_id)))) AS later) l
             ) c
         ) u
        WHERE r.id_number = u.i AND r.season = u.s
          AND (u.e, u.st, u.ver, u.ra, u.n, u.rc, u.t, u.v, u.d) IS DISTINCT FROM
              (r.enrollment_id, r.status, r.standing_version, r.registered_at, r.name, r.region_code, r.township_code, r.village_code, r.registered_due_fen)`,
      params,
    );
  }

  /** The latest assessment by the instant it was made; one for a person not registered yet is kept on a PENDING row. */
  async applyAssessments(m: EntityManager, assessments: AssessmentFact[]): Promise<void> {
    if (assessments.length === 0) return;
    const latest = new Map<string, AssessmentFact>();
    for (const a of assessments) {
      const k = `${a.idNumber}:${a.season}`;
      const had = latest.get(k);
      if (!had || new Date(a.assessedAt).getTime() > new Date(had.assessedAt).getTime()) latest.set(k, a);
    }
    const as = [...latest.values()];
    await this.lockPeople(m, as);
    await m.query(
      `INSERT INTO tax_feed.roster AS r (id_number, season, region_code, name, status, registered_due_fen, assessed_due_fen, subsidy_category, assessed_at)
       SELECT i, s, rc, '', 'PENDING', d, d, c, at FROM unnest($1::text[], $2::int[], $3::text[], $4::int[], $5::text[], $6::timestamptz[]) AS x(i, s, rc, d, c, at)
       ON CONFLICT (id_number, season) DO UPDATE SET assessed_due_fen = EXCLUDED.assessed_due_fen, subsidy_category = EXCLUDED.subsidy_category,
         assessed_at = EXCLUDED.assessed_at, change_seq = nextval('tax_feed.roster_change_seq'), updated_at = now()
       WHERE r.assessed_at IS NULL OR EXCLUDED.assessed_at > r.assessed_at`,
      [
        as.map((a) => a.idNumber),
        as.map((a) => a.season),
        as.map((a) => a.regionCode),
        as.map((a) => a.amountDueFen),
        as.map((a) => a.category),
        as.map((a) => a.assessedAt),
      ],
    );
  }
}

/** Within one batch, the fact that ranks last per person and season (one row may be written once per statement). */
function strongestPerPerson(facts: EnrolmentFact[]): EnrolmentFact[] {
  const rank = (f: EnrolmentFact) =>
    [f.registeredAt ? new Date(f.registeredAt).getTime() : -1, f.enrollmentId, f.version] as const;
  const beats = (a: EnrolmentFact, b: EnrolmentFact) => {
    const [ra, ea, va] = rank(a);
    const [rb, eb, vb] = rank(b);
    if (a.enrollmentId === b.enrollmentId)
      return va > vb || (va === vb && a.legacyActivation === false && b.legacyActivation);
    return ra !== rb ? ra > rb : ea > eb;
  };
  const m = new Map<string, EnrolmentFact>();
  for (const f of facts) {
    const k = `${f.idNumber}:${f.season}`;
    const had = m.get(k);
    if (!had || beats(f, had)) m.set(k, had && had.enrollmentId === f.enrollmentId ? merge(had, f) : f);
    else if (had.enrollmentId === f.enrollmentId) m.set(k, merge(f, had));
  }
  return [...m.values()];
}

/** Two facts of one enrolment: the stronger one's standing with the descriptive fields either knows. */
function merge(weaker: EnrolmentFact, stronger: EnrolmentFact): EnrolmentFact {
  return {
    ...stronger,
    name: stronger.name ?? weaker.name,
    registeredAt: stronger.registeredAt ?? weaker.registeredAt,
    registeredDueFen: stronger.registeredDueFen ?? weaker.registeredDueFen,
    townshipCode: stronger.townshipCode ?? weaker.townshipCode,
    villageCode: stronger.villageCode ?? weaker.villageCode,
  };
}
