import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { SubsidyAssessedV1 } from '@urrbmi/contracts';
import { LIVE_ENROLMENT } from './enrolment.repository';

/** A live enrolment to assess, with a fingerprint of its assessment in force (null: none yet). */
export interface EnrolmentToAssess {
  idNumber: string;
  season: number;
  regionCode: string;
  paidInFullOn: string | null;
  current: string | null;
}

export interface StoredAssessment {
  policyId: string;
  category: string | null;
  subsidyFen: number;
  mode: string | null;
  amountDueFen: number;
  route: string | null;
  reason: string;
  reasonCode: string;
  assessedAt: Date;
}

/** A fully subsidised person still to be paid for (代缴名单). */
export interface ProxyPaymentDue {
  idNumber: string;
  category: string;
  subsidyFen: number;
}

/** The fingerprint two assessments are compared by: an unchanged one is neither stored nor published. */
export function assessmentFingerprint(a: {
  category?: string | null;
  subsidyFen: number;
  mode?: string | null;
  amountDueFen: number;
  reasonCode: string;
}): string {
  return [a.category ?? '', a.subsidyFen, a.mode ?? '', a.amountDueFen, a.reasonCode].join('|');
}

/** Each person's assessment per season (highest subsidy wins), as last published. */
@Injectable()
export class AssessmentRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The manager for reads outside a transaction. */
  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /** Locks the live enrolments of these people and reads the assessment each has. */
  async lockToAssess(m: EntityManager, idNumbers: string[]): Promise<EnrolmentToAssess[]> {
    const rows: {
      id_number: string;
      season: number;
      region_code: string;
      paid_in_full_on: string | null;
      category: string | null;
      subsidy_fen: number | null;
      mode: string | null;
      amount_due_fen: number | null;
      reason_code: string | null;
    }[] = await m.query(
      `SELECT e.id_number, e.season, e.region_code, to_char(e.paid_in_full_on, 'YYYY-MM-DD') AS paid_in_full_on,
              a.category, a.subsidy_fen, a.mode, a.amount_due_fen, a.reason_code
         FROM subsidy.enrolments e LEFT JOIN subsidy.assessments a ON a.id_number = e.id_number AND a.season = e.season
        WHERE e.id_number = ANY($1::text[]) AND ${LIVE_ENROLMENT}
        ORDER BY e.id_number, e.season FOR UPDATE OF e`,
      [[...new Set(idNumbers)]],
    );
    return rows.map((r) => ({
      idNumber: r.id_number,
      season: r.season,
      regionCode: r.region_code,
      paidInFullOn: r.paid_in_full_on,
      current:
        r.subsidy_fen === null || r.amount_due_fen === null || r.reason_code === null
          ? null
          : assessmentFingerprint({
              category: r.category,
              subsidyFen: r.subsidy_fen,
              mode: r.mode,
              amountDueFen: r.amount_due_fen,
              reasonCode: r.reason_code,
            }),
    }));
  }

  async save(m: EntityManager, changed: SubsidyAssessedV1[], at: Date): Promise<void> {
    if (changed.length === 0) return;
    await m.query(
      `INSERT INTO subsidy.assessments AS a (id_number, season, policy_id, category, subsidy_fen, mode, amount_due_fen, route, reason, reason_code, assessed_at)
       SELECT *, $11::timestamptz FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::int[], $6::text[], $7::int[], $8::text[], $9::text[], $10::text[])
       ON CONFLICT (id_number, season) DO UPDATE SET policy_id = EXCLUDED.policy_id, category = EXCLUDED.category, subsidy_fen = EXCLUDED.subsidy_fen,
         mode = EXCLUDED.mode, amount_due_fen = EXCLUDED.amount_due_fen, route = EXCLUDED.route, reason = EXCLUDED.reason,
         reason_code = EXCLUDED.reason_code, assessed_at = EXCLUDED.assessed_at`,
      [
        changed.map((c) => c.idNumber),
        changed.map((c) => c.season),
        changed.map((c) => c.policyId),
        changed.map((c) => c.category ?? null),
        changed.map((c) => c.subsidyFen),
        changed.map((c) => c.mode ?? null),
        changed.map((c) => c.amountDueFen),
        changed.map((c) => c.route ?? null),
        changed.map((c) => c.reason),
        changed.map((c) => c.reasonCode),
        at,
      ],
    );
  }

  async find(idNumber: string, season: number): Promise<StoredAssessment | undefined> {
    const [a]: {
      policy_id: string;
      category: string | null;
      subsidy_fen: number;
      mode: string | null;
      amount_due_fen: number;
      route: string | null;
      reason: string;
      reason_code: string;
      assessed_at: Date;
    }[] = await this.dataSource.query(
      `SELECT policy_id, category, subsidy_fen, mode, amount_due_fen, route, reason, reason_code, assessed_at
         FROM subsidy.assessments WHERE id_number = $1 AND season = $2`,
      [idNumber, season],
    );
    return a
      ? {
          policyId: a.policy_id,
          category: a.category,
          subsidyFen: a.subsidy_fen,
          mode: a.mode,
          amountDueFen: a.amount_due_fen,
          route: a.route,
          reason: a.reason,
          reasonCode: a.reason_code,
          assessedAt: a.assessed_at,
        }
      : undefined;
  }

  /** FULL-mode people of a region and season whose live enrolment is not paid in full yet. */
  async proxyPaymentsDue(regionCode: string, season: number): Promise<ProxyPaymentDue[]> {
    const rows: { id_number: string; category: string; subsidy_fen: number }[] = await this.dataSource.query(
      `SELECT a.id_number, a.category, a.subsidy_fen FROM subsidy.assessments a
         JOIN subsidy.enrolments e ON e.id_number = a.id_number AND e.season = a.season
        WHERE a.season = $1 AND e.region_code = $2 AND a.mode = 'FULL' AND ${LIVE_ENROLMENT} AND e.paid_in_full_on IS NULL
        ORDER BY a.category, a.id_number`,
      [season, regionCode],
    );
    return rows.map((r) => ({ idNumber: r.id_number, category: r.category, subsidyFen: r.subsidy_fen }));
  }
}
