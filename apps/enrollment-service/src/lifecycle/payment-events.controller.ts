import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { PaymentRecordedV1, PaymentReversedV1, Topics } from '@urrbmi/contracts';
import { BatchContext, ConsumedEvent } from '@urrbmi/messaging';
import { benefitStart, PolicyRegistry } from '@urrbmi/policy';
import { EnrollmentRepository, NewEnrollment } from '../enrollment.repository';
import { RegisterEnrollmentHandler } from '../registration/register-enrollment.handler';
import { EnrolmentStateService } from '../standing/enrolment-state.service';

const ACTOR = 'tax-collection-feed';

/**
 * payment.recorded / payment.reversed from the tax feed, a batch at a time: the ledger (unique by
 * voucher, so a voucher counts once whatever delivers it), then every touched enrolment recomputed.
 * A payment from someone not registered (续保: last season's payers just pay) registers them.
 */
@Controller()
export class PaymentEventsController {
  constructor(
    private readonly repository: EnrollmentRepository,
    private readonly state: EnrolmentStateService,
    private readonly policies: PolicyRegistry,
    private readonly registration: RegisterEnrollmentHandler,
  ) {}

  @EventPattern(Topics.PaymentRecorded)
  async onRecorded(
    @Payload() events: ConsumedEvent<PaymentRecordedV1>[],
    @Ctx() ctx: BatchContext,
  ): Promise<void> {
    const m = ctx.manager;
    const payloads = events.map((e) => e.envelope.payload);
    await this.registerUnknownPayers(ctx, payloads);
    await this.repository.insertPayments(
      m,
      events.map((e) => ({
        voucherNo: e.envelope.payload.voucherNo,
        idNumber: e.envelope.payload.idNumber,
        season: e.envelope.payload.season,
        kind: 'PAYMENT' as const,
        originalVoucherNo: null,
        amountFen: e.envelope.payload.amountFen,
        channel: e.envelope.payload.channel,
        paidAt: e.envelope.payload.paidAt,
        eventId: e.envelope.eventId,
      })),
    );
    await this.settle(
      ctx,
      payloads.map((p) => ({ idNumber: p.idNumber, season: p.season })),
      'payment.recorded',
    );
  }

  @EventPattern(Topics.PaymentReversed)
  async onReversed(
    @Payload() events: ConsumedEvent<PaymentReversedV1>[],
    @Ctx() ctx: BatchContext,
  ): Promise<void> {
    await this.repository.insertPayments(
      ctx.manager,
      events.map((e) => ({
        voucherNo: e.envelope.payload.voucherNo,
        idNumber: e.envelope.payload.idNumber,
        season: e.envelope.payload.season,
        kind: 'REVERSAL' as const,
        originalVoucherNo: e.envelope.payload.originalVoucherNo,
        amountFen: e.envelope.payload.amountFen,
        channel: null,
        paidAt: e.envelope.payload.reversedAt,
        eventId: e.envelope.eventId,
      })),
    );
    await this.settle(
      ctx,
      events.map((e) => ({ idNumber: e.envelope.payload.idNumber, season: e.envelope.payload.season })),
      'payment.reversed',
    );
  }

  private async settle(
    ctx: BatchContext,
    keys: { idNumber: string; season: number }[],
    cause: string,
  ): Promise<void> {
    const unique = [...new Map(keys.map((k) => [`${k.idNumber}:${k.season}`, k])).values()];
    await this.repository.attachPayments(ctx.manager, unique);
    const records = await this.repository.lockLive(ctx.manager, unique);
    await this.state.recompute(ctx.manager, records, ACTOR, cause);
  }

  /** Payers with no live enrolment and a policy for their region and season are registered from the payment. */
  private async registerUnknownPayers(ctx: BatchContext, payloads: PaymentRecordedV1[]): Promise<void> {
    const m = ctx.manager;
    const first = new Map<string, PaymentRecordedV1>();
    for (const p of payloads)
      if (!first.has(`${p.idNumber}:${p.season}`)) first.set(`${p.idNumber}:${p.season}`, p);
    const known = new Set(
      (await this.repository.lockLive(m, [...first.values()])).map((r) => `${r.idNumber}:${r.season}`),
    );
    const unknown = [...first.entries()].filter(([k]) => !known.has(k)).map(([, p]) => p);
    const bySeason = new Map<number, PaymentRecordedV1[]>();
    for (const p of unknown) bySeason.set(p.season, [...(bySeason.get(p.season) ?? []), p]);
    for (const [season, list] of bySeason) {
      const renewing = await this.repository.hasEnrolment(
        m,
        list.map((p) => p.idNumber),
        season - 1,
      );
      const rows: { id: string; checked: Parameters<RegisterEnrollmentHandler['toRow']>[1] }[] = [];
      for (const p of list) {
        const policy = this.policies.find(p.regionCode, season);
        if (!policy) continue; // kept unattached in the ledger; visible in the person's view
        const kind = renewing.has(p.idNumber) ? 'RENEWAL' : 'NEW';
        rows.push({
          id: randomUUID(),
          checked: {
            cmd: {
              idNumber: p.idNumber,
              name: p.name,
              season,
              regionCode: p.regionCode,
              townshipCode: p.townshipCode,
              villageCode: p.villageCode,
              kind,
            },
            policy,
            facts: {},
            expectedBenefitStart: benefitStart(policy),
          },
        });
      }
      const toInsert: NewEnrollment[] = rows.map((r) => this.registration.toRow(r.id, r.checked, ACTOR));
      const inserted = await this.repository.insertMany(m, toInsert);
      await this.registration.publishRegistered(
        m,
        rows.filter((r) => inserted.has(r.id)),
        ACTOR,
      );
    }
  }
}
