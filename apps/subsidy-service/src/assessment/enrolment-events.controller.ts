import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EnrollmentCancelledV1, EnrollmentRegisteredV1, PaymentRecordedV1, Topics } from '@urrbmi/contracts';
import { shanghaiDate } from '@urrbmi/domain';
import { BatchContext, ConsumedEvent } from '@urrbmi/messaging';
import { PolicyRegistry } from '@urrbmi/policy';
import { AssessmentService } from './assessment.service';

/** What the subsidy service needs to know of enrolments and payments, kept set-based per batch. */
@Controller()
export class EnrolmentEventsController {
  constructor(
    private readonly assessment: AssessmentService,
    private readonly policies: PolicyRegistry,
  ) {}

  @EventPattern(Topics.EnrollmentRegistered)
  async onRegistered(
    @Payload() events: ConsumedEvent<EnrollmentRegisteredV1>[],
    @Ctx() ctx: BatchContext,
  ): Promise<void> {
    const ps = events.map((e) => e.envelope.payload);
    await ctx.manager.query(
      `INSERT INTO subsidy.enrolments (id_number, season, region_code, enrollment_id, status)
       SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::uuid[], $5::text[])
       ON CONFLICT (id_number, season) DO UPDATE SET region_code = EXCLUDED.region_code, enrollment_id = EXCLUDED.enrollment_id, status = 'REGISTERED'`,
      [
        ps.map((p) => p.idNumber),
        ps.map((p) => p.season),
        ps.map((p) => p.regionCode),
        ps.map((p) => p.enrollmentId),
        ps.map(() => 'REGISTERED'),
      ],
    );
    await this.assessment.reassess(
      ctx.manager,
      ps.map((p) => p.idNumber),
    );
  }

  @EventPattern(Topics.EnrollmentCancelled)
  async onCancelled(
    @Payload() events: ConsumedEvent<EnrollmentCancelledV1>[],
    @Ctx() ctx: BatchContext,
  ): Promise<void> {
    const ps = events.map((e) => e.envelope.payload);
    await ctx.manager.query(
      `UPDATE subsidy.enrolments e SET status = 'CANCELLED' FROM unnest($1::uuid[]) AS x(id) WHERE e.enrollment_id = x.id`,
      [ps.map((p) => p.enrollmentId)],
    );
  }

  @EventPattern(Topics.PaymentRecorded)
  async onPayment(
    @Payload() events: ConsumedEvent<PaymentRecordedV1>[],
    @Ctx() ctx: BatchContext,
  ): Promise<void> {
    const ps = events.map((e) => e.envelope.payload);
    // Per payment in order: the running total, and the Shanghai date it first reached the standard.
    await ctx.manager.query(
      `WITH p AS (SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::date[], $5::int[], $6::int[]) AS x(i, s, a, d, std, o))
       UPDATE subsidy.enrolments e SET
          paid_fen = e.paid_fen + t.total,
          paid_in_full_on = COALESCE(e.paid_in_full_on, (
            SELECT min(q.d) FROM (SELECT p2.d, e.paid_fen + sum(p2.a) OVER (ORDER BY p2.o) AS running, p2.std
                                    FROM p p2 WHERE p2.i = e.id_number AND p2.s = e.season) q WHERE q.running >= q.std))
         FROM (SELECT i, s, sum(a)::int AS total FROM p GROUP BY i, s) t
        WHERE e.id_number = t.i AND e.season = t.s`,
      [
        ps.map((p) => p.idNumber),
        ps.map((p) => p.season),
        ps.map((p) => p.amountFen),
        ps.map((p) => shanghaiDate(new Date(p.paidAt))),
        ps.map(
          (p) => this.policies.find(p.regionCode, p.season)?.contribution.individualFen ?? 2_000_000_000,
        ),
        ps.map((_, i) => i),
      ],
    );
  }
}
