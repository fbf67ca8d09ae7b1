import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SubsidyAssessed, SubsidyAssessedV1 } from '@urrbmi/contracts';
import { toShanghaiIso } from '@urrbmi/domain';
import { OutboxWriter } from '@urrbmi/messaging';
import { Clock } from '@urrbmi/platform';
import { assessSubsidy, IdentityPeriod, PolicyRegistry, RosterSource, SubsidyCategory } from '@urrbmi/policy';

/** Loads the identity periods of many people in one query. */
export async function identitiesOf(
  m: EntityManager,
  idNumbers: string[],
): Promise<Map<string, IdentityPeriod[]>> {
  const out = new Map<string, IdentityPeriod[]>();
  if (idNumbers.length === 0) return out;
  const rows: {
    id_number: string;
    source: string;
    category: string;
    certified_region_code: string;
    valid_from: string;
    valid_to: string | null;
  }[] = await m.query(
    `SELECT id_number, source, category, certified_region_code, to_char(valid_from, 'YYYY-MM-DD') AS valid_from, to_char(valid_to, 'YYYY-MM-DD') AS valid_to
       FROM subsidy.identities WHERE id_number = ANY($1::text[])`,
    [idNumbers],
  );
  for (const r of rows) {
    const list = out.get(r.id_number) ?? [];
    list.push({
      category: r.category as SubsidyCategory,
      source: r.source as RosterSource,
      certifiedRegionCode: r.certified_region_code,
      validFrom: r.valid_from,
      validTo: r.valid_to,
    });
    out.set(r.id_number, list);
  }
  return out;
}

/**
 * (Re-)assesses enrolled people: highest subsidy wins, never two, with the policy of their region
 * and season. Until they have paid the whole standard they are judged on today's identities; after
 * that on the day they paid it (no claw-back, no top-up), so only the explanation can change — an
 * identity that began after payment is named as such (the monthly match decides its transfer).
 * A changed (or first) assessment is stored and published as `subsidy.assessed`.
 */
@Injectable()
export class AssessmentService {
  constructor(
    private readonly policies: PolicyRegistry,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
  ) {}

  async reassess(m: EntityManager, idNumbers: string[], causationId?: string): Promise<number> {
    if (idNumbers.length === 0) return 0;
    const enrolments: {
      id_number: string;
      season: number;
      region_code: string;
      paid_in_full_on: string | null;
      old: string | null;
    }[] = await m.query(
      `SELECT e.id_number, e.season, e.region_code, to_char(e.paid_in_full_on, 'YYYY-MM-DD') AS paid_in_full_on,
              CASE WHEN a.id_number IS NULL THEN NULL ELSE concat_ws('|', a.category, a.subsidy_fen, a.mode, a.amount_due_fen, a.reason_code) END AS old
         FROM subsidy.enrolments e LEFT JOIN subsidy.assessments a ON a.id_number = e.id_number AND a.season = e.season
        WHERE e.id_number = ANY($1::text[]) AND e.status NOT IN ('CANCELLED', 'REFUNDED')
        ORDER BY e.id_number, e.season FOR UPDATE OF e`,
      [[...new Set(idNumbers)]],
    );
    const identities = await identitiesOf(
      m,
      enrolments.map((e) => e.id_number),
    );
    const today = this.clock.today();
    const now = this.clock.now();
    const assessedAt = toShanghaiIso(now);
    const changed: SubsidyAssessedV1[] = [];
    for (const e of enrolments) {
      const policy = this.policies.find(e.region_code, e.season);
      if (!policy) continue;
      const a = assessSubsidy(policy, {
        enrolmentRegionCode: e.region_code,
        asOf: e.paid_in_full_on ?? today,
        paidInFullOn: e.paid_in_full_on,
        identities: identities.get(e.id_number) ?? [],
      });
      const next = [a.category ?? '', a.subsidyFen, a.mode ?? '', a.amountDueFen, a.reasonCode].join('|');
      if (e.old !== null && e.old === next) continue;
      changed.push({
        idNumber: e.id_number,
        season: e.season,
        regionCode: e.region_code,
        policyId: policy.id,
        category: a.category ?? undefined,
        subsidyFen: a.subsidyFen,
        mode: a.mode ?? undefined,
        amountDueFen: a.amountDueFen,
        route: a.route ?? undefined,
        reason: a.reason.slice(0, 500),
        reasonCode: a.reasonCode,
        assessedAt,
      });
    }
    if (changed.length === 0) return 0;
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
        now,
      ],
    );
    await this.outbox.publish(
      m,
      changed.map((payload) => ({
        type: SubsidyAssessed.type,
        version: SubsidyAssessed.version,
        payload,
        causationId,
      })),
    );
    return changed.length;
  }
}
