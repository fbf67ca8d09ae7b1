import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AssessmentFact } from '../standing/payment-standing';

/** A subsidy assessment as `subsidy.assessed` delivered it. */
export interface NewAssessment {
  idNumber: string;
  season: number;
  assessedAt: string;
  policyId: string;
  category: string | null;
  subsidyFen: number;
  mode: string | null;
  amountDueFen: number;
  reason: string;
  eventId: string;
}

/**
 * The subsidy service's assessments (`enrollment.assessments`), kept per person, season and the
 * instant it made them, so a standing is computed from all of them in the order they were made.
 */
@Injectable()
export class AssessmentRepository {
  /** Keeps assessments not received before (per person, season and instant); returns the keys kept. */
  async insertAssessments(m: EntityManager, rows: NewAssessment[]): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const inserted: { id_number: string; season: number; at: string }[] = await m.query(
      `INSERT INTO enrollment.assessments (id_number, season, assessed_at, policy_id, category, subsidy_fen, mode, amount_due_fen, reason, event_id)
       SELECT * FROM unnest($1::text[], $2::int[], $3::timestamptz[], $4::text[], $5::text[], $6::int[], $7::text[], $8::int[], $9::text[], $10::uuid[])
       ON CONFLICT (id_number, season, assessed_at) DO NOTHING
       RETURNING id_number, season, floor(extract(epoch FROM assessed_at) * 1000)::bigint::text AS at`,
      [
        rows.map((r) => r.idNumber),
        rows.map((r) => r.season),
        rows.map((r) => r.assessedAt),
        rows.map((r) => r.policyId),
        rows.map((r) => r.category),
        rows.map((r) => r.subsidyFen),
        rows.map((r) => r.mode),
        rows.map((r) => r.amountDueFen),
        rows.map((r) => r.reason),
        rows.map((r) => r.eventId),
      ],
    );
    return new Set(inserted.map((r) => `${r.id_number}:${r.season}:${r.at}`));
  }

  /** Every assessment received for these people and seasons, in the order they were made. */
  async assessmentsOf(
    m: EntityManager,
    keys: { idNumber: string; season: number }[],
  ): Promise<Map<string, AssessmentFact[]>> {
    const out = new Map<string, AssessmentFact[]>();
    if (keys.length === 0) return out;
    const rows: {
      id_number: string;
      season: number;
      assessed_at: Date;
      category: string | null;
      subsidy_fen: number;
      mode: string | null;
      amount_due_fen: number;
      reason: string;
    }[] = await m.query(
      `SELECT id_number, season, assessed_at, category, subsidy_fen, mode, amount_due_fen, reason FROM enrollment.assessments
        WHERE (id_number, season) IN (SELECT * FROM unnest($1::text[], $2::int[])) ORDER BY assessed_at`,
      [keys.map((k) => k.idNumber), keys.map((k) => k.season)],
    );
    for (const r of rows) {
      const key = `${r.id_number}:${r.season}`;
      const list = out.get(key) ?? [];
      list.push({
        assessedAt: r.assessed_at,
        amountDueFen: r.amount_due_fen,
        subsidyFen: r.subsidy_fen,
        mode: r.mode,
        category: r.category,
        reason: r.reason,
      });
      out.set(key, list);
    }
    return out;
  }
}
