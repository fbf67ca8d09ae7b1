import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  EnrollmentActivatedV1,
  EnrollmentCancelledV1,
  EnrollmentRegisteredV1,
  SubsidyAssessedV1,
  Topics,
} from '@urrbmi/contracts';
import { BatchContext, ConsumedEvent } from '@urrbmi/messaging';

/** The last event per person and season in a batch (events of one key arrive in order). */
function lastPer<P extends { idNumber: string; season: number }>(events: ConsumedEvent<P>[]): P[] {
  const m = new Map<string, P>();
  for (const e of events)
    m.set(`${e.envelope.payload.idNumber}:${e.envelope.payload.season}`, e.envelope.payload);
  return [...m.values()];
}

/**
 * Builds the collection roster from enrollment.* and subsidy.assessed, one statement per batch.
 * Events of different topics may arrive in any order, so each fills its own columns: the amount due
 * is the latest assessment when there is one, else the standard at registration.
 */
@Controller()
export class RosterEventsController {
  @EventPattern(Topics.EnrollmentRegistered)
  async onRegistered(
    @Payload() events: ConsumedEvent<EnrollmentRegisteredV1>[],
    @Ctx() ctx: BatchContext,
  ): Promise<void> {
    const ps = lastPer(events);
    await ctx.manager.query(
      `INSERT INTO tax_feed.roster AS r (id_number, season, region_code, township_code, village_code, name, enrollment_id, status, registered_due_fen)
       SELECT i, s, rc, t, v, n, e, 'REGISTERED', d FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::int[])
         AS x(i, s, rc, t, v, n, e, d)
       ON CONFLICT (id_number, season) DO UPDATE SET region_code = EXCLUDED.region_code, township_code = EXCLUDED.township_code,
         village_code = EXCLUDED.village_code, name = EXCLUDED.name, enrollment_id = EXCLUDED.enrollment_id,
         status = CASE WHEN r.status = 'PENDING' OR r.enrollment_id IS DISTINCT FROM EXCLUDED.enrollment_id THEN 'REGISTERED' ELSE r.status END,
         registered_due_fen = EXCLUDED.registered_due_fen, change_seq = nextval('tax_feed.roster_change_seq'), updated_at = now()`,
      [
        ps.map((p) => p.idNumber),
        ps.map((p) => p.season),
        ps.map((p) => p.regionCode),
        ps.map((p) => p.townshipCode ?? null),
        ps.map((p) => p.villageCode ?? null),
        ps.map((p) => p.name),
        ps.map((p) => p.enrollmentId),
        ps.map((p) => p.amountDueFen),
      ],
    );
  }

  @EventPattern(Topics.EnrollmentActivated)
  async onActivated(
    @Payload() events: ConsumedEvent<EnrollmentActivatedV1>[],
    @Ctx() ctx: BatchContext,
  ): Promise<void> {
    await this.setStatus(ctx, lastPer(events), 'ACTIVE');
  }

  @EventPattern(Topics.EnrollmentCancelled)
  async onCancelled(
    @Payload() events: ConsumedEvent<EnrollmentCancelledV1>[],
    @Ctx() ctx: BatchContext,
  ): Promise<void> {
    await this.setStatus(ctx, lastPer(events), 'CANCELLED');
  }

  @EventPattern(Topics.SubsidyAssessed)
  async onAssessed(
    @Payload() events: ConsumedEvent<SubsidyAssessedV1>[],
    @Ctx() ctx: BatchContext,
  ): Promise<void> {
    const ps = lastPer(events);
    // An assessment may come before the registration: keep it on a PENDING row the registration completes.
    await ctx.manager.query(
      `INSERT INTO tax_feed.roster AS r (id_number, season, region_code, name, status, registered_due_fen, assessed_due_fen, subsidy_category)
       SELECT i, s, rc, '', 'PENDING', d, d, c FROM unnest($1::text[], $2::int[], $3::text[], $4::int[], $5::text[]) AS x(i, s, rc, d, c)
       ON CONFLICT (id_number, season) DO UPDATE SET assessed_due_fen = EXCLUDED.assessed_due_fen, subsidy_category = EXCLUDED.subsidy_category,
         change_seq = nextval('tax_feed.roster_change_seq'), updated_at = now()`,
      [
        ps.map((p) => p.idNumber),
        ps.map((p) => p.season),
        ps.map((p) => p.regionCode),
        ps.map((p) => p.amountDueFen),
        ps.map((p) => p.category ?? null),
      ],
    );
  }

  private async setStatus(
    ctx: BatchContext,
    ps: { idNumber: string; season: number; enrollmentId: string }[],
    status: string,
  ): Promise<void> {
    await ctx.manager.query(
      `UPDATE tax_feed.roster r SET status = $4, change_seq = nextval('tax_feed.roster_change_seq'), updated_at = now()
         FROM unnest($1::text[], $2::int[], $3::uuid[]) AS x(i, s, e)
        WHERE r.id_number = x.i AND r.season = x.s AND (r.enrollment_id = x.e OR r.enrollment_id IS NULL)`,
      [ps.map((p) => p.idNumber), ps.map((p) => p.season), ps.map((p) => p.enrollmentId), status],
    );
  }
}
