import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** A live enrolment (alias `e`): neither cancelled nor refunded. The one spelling of it in this service. */
export const LIVE_ENROLMENT = `e.status NOT IN ('CANCELLED', 'REFUNDED')`;

/** A live enrolment paid in full, as enrollment-service judged it: what the monthly match pays on. */
export interface MatchCandidateRow {
  idNumber: string;
  season: number;
  regionCode: string;
  paidFen: number;
  paidInFullOn: string;
  subsidyEnjoyedFen: number;
}

/** One fact about a person's enrolment: its registration (version 0) or a standing after it. */
export interface EnrolmentFact {
  idNumber: string;
  season: number;
  regionCode: string;
  enrollmentId: string;
  registeredAt: string;
  version: number;
  status: string;
  paidFen: number;
  paidInFullOn: string | null;
  subsidyEnjoyedFen: number;
}

/**
 * The enrolments the subsidy service knows of, as enrollment-service says they stand. Facts arrive
 * on two topics in any order; each write keeps the latest by the facts' own order: (registration
 * instant, enrolment id) between enrolments of one person and season, the standing version within
 * one enrolment. A redelivered or replayed fact changes nothing.
 */
@Injectable()
export class EnrolmentRepository {
  async apply(m: EntityManager, facts: EnrolmentFact[]): Promise<void> {
    if (facts.length === 0) return;
    const latest = new Map<string, EnrolmentFact>();
    const key = (f: EnrolmentFact) =>
      [new Date(f.registeredAt).getTime(), f.enrollmentId, f.version] as const;
    for (const f of facts) {
      const k = `${f.idNumber}:${f.season}`;
      const had = latest.get(k);
      if (!had) {
        latest.set(k, f);
        continue;
      }
      const [a, b] = [key(f), key(had)];
      if (a[0] > b[0] || (a[0] === b[0] && (a[1] > b[1] || (a[1] === b[1] && a[2] > b[2])))) latest.set(k, f);
    }
    const fs = [...latest.values()];
    const params = [
      fs.map((f) => f.idNumber),
      fs.map((f) => f.season),
      fs.map((f) => f.regionCode),
      fs.map((f) => f.enrollmentId),
      fs.map((f) => f.registeredAt),
      fs.map((f) => f.version),
      fs.map((f) => f.status),
      fs.map((f) => f.paidFen),
      fs.map((f) => f.paidInFullOn),
      fs.map((f) => f.subsidyEnjoyedFen),
    ];
    const facts$ = `unnest($1::text[], $2::int[], $3::text[], $4::uuid[], $5::timestamptz[], $6::int[], $7::text[],
                           $8::int[], $9::date[], $10::int[]) AS x(i, s, rc, e, ra, ver, st, paid, paid_on, enjoyed)`;
    // Handlers of different topics may write one person at once: they take turns per person.
    await m.query(
      `SELECT pg_advisory_xact_lock(k) FROM (
         SELECT DISTINCT hashtextextended('subsidy.enrolments:' || i || ':' || s, 0) AS k
           FROM unnest($1::text[], $2::int[]) AS x(i, s) ORDER BY 1) keys`,
      [params[0], params[1]],
    );
    await m.query(
      `INSERT INTO subsidy.enrolments (id_number, season, region_code, enrollment_id, registered_at, standing_version,
                                       status, paid_fen, paid_in_full_on, subsidy_enjoyed_fen)
       SELECT * FROM ${facts$}
       ON CONFLICT (id_number, season) DO NOTHING`,
      params,
    );
    await m.query(
      `UPDATE subsidy.enrolments r SET region_code = x.rc, enrollment_id = x.e, registered_at = x.ra,
              standing_version = x.ver, status = x.st, paid_fen = x.paid, paid_in_full_on = x.paid_on,
              subsidy_enjoyed_fen = x.enjoyed
         FROM ${facts$}
        WHERE r.id_number = x.i AND r.season = x.s
          AND (CASE WHEN r.enrollment_id = x.e THEN x.ver > r.standing_version
                    ELSE r.registered_at IS NULL OR (x.ra, x.e) > (r.registered_at, r.enrollment_id) END)`,
      params,
    );
  }

  /**
   * A keyset page of match candidates for a month judged on `asOf`: paid in full by then, live, with
   * no transfer that is not FAILED, and holding some identity on the day (nobody else can be owed a
   * subsidy). Ordered by (ID number, season), after `after`.
   */
  async matchCandidates(
    m: EntityManager,
    asOf: string,
    after: [string, number],
    limit: number,
  ): Promise<MatchCandidateRow[]> {
    const rows: {
      id_number: string;
      season: number;
      region_code: string;
      paid_fen: number;
      paid_in_full_on: string;
      subsidy_enjoyed_fen: number;
    }[] = await m.query(
      `SELECT e.id_number, e.season, e.region_code, e.paid_fen, to_char(e.paid_in_full_on, 'YYYY-MM-DD') AS paid_in_full_on,
              e.subsidy_enjoyed_fen
         FROM subsidy.enrolments e
        WHERE e.paid_in_full_on IS NOT NULL AND e.paid_in_full_on <= $1::date AND ${LIVE_ENROLMENT}
          AND (e.id_number, e.season) > ($2::text, $3::int)
          AND NOT EXISTS (SELECT 1 FROM subsidy.transfers t WHERE t.id_number = e.id_number AND t.season = e.season AND t.status <> 'FAILED')
          AND EXISTS (SELECT 1 FROM subsidy.identities i WHERE i.id_number = e.id_number
                        AND i.valid_from <= $1::date AND (i.valid_to IS NULL OR i.valid_to >= $1::date))
        ORDER BY e.id_number, e.season LIMIT $4`,
      [asOf, after[0], after[1], limit],
    );
    return rows.map((r) => ({
      idNumber: r.id_number,
      season: r.season,
      regionCode: r.region_code,
      paidFen: r.paid_fen,
      paidInFullOn: r.paid_in_full_on,
      subsidyEnjoyedFen: r.subsidy_enjoyed_fen,
    }));
  }
}
