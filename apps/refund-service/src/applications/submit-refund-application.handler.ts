import { Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { inTransaction } from '@urrbmi/persistence';
import { shanghaiDate } from '@urrbmi/domain';
import { Clock } from '@urrbmi/platform';
import { Refund } from '../refunds/refund.model';
import { RefundEvents } from '../refunds/refund-events';
import { RefundPrechecks } from '../refunds/refund-prechecks';
import { RefundsRepository } from '../refunds/refunds.repository';
import { ApplicationErrors } from './application.errors';
import { SubmitRefundApplicationCommand } from './submit-refund-application.command';

export interface SubmittedApplication {
  refund: Refund;
  /** True when the idempotency key was seen before: nothing new was stored. */
  replayed: boolean;
}

function requestHash(cmd: SubmitRefundApplicationCommand): string {
  const { voucherNo, idNumber, amountFen, reason, payeeName, payeeBank, payeeAccount, note } = cmd;
  const canonical = JSON.stringify([
    voucherNo,
    idNumber,
    amountFen,
    reason,
    payeeName,
    payeeBank ?? null,
    payeeAccount,
    note ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * 受理退费申请: stores the tax bureau's application with its automatic pre-checks and publishes
 * refund.requested, once per idempotency key and with at most one open refund per voucher.
 * Failed pre-checks do not refuse the application: the bureau sees them at review.
 */
@Injectable()
export class SubmitRefundApplicationHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly refunds: RefundsRepository,
    private readonly prechecks: RefundPrechecks,
    private readonly events: RefundEvents,
    private readonly clock: Clock,
  ) {}

  execute(cmd: SubmitRefundApplicationCommand): Promise<SubmittedApplication> {
    const hash = requestHash(cmd);
    return inTransaction(this.dataSource, async (m) => {
      const replay = async (): Promise<SubmittedApplication | undefined> => {
        if (!cmd.idempotencyKey) return undefined;
        const seen = await this.refunds.findByIdempotencyKey(m, cmd.enteredBy, cmd.idempotencyKey);
        if (!seen) return undefined;
        if (seen.requestHash !== hash)
          throw ApplicationErrors.IDEMPOTENCY_KEY_REUSED(
            'this Idempotency-Key was used for a different application',
            { refundId: seen.id },
          );
        return { refund: seen, replayed: true };
      };
      const openRefundExists = (open: Refund) =>
        ApplicationErrors.OPEN_REFUND_EXISTS(`voucher ${cmd.voucherNo} already has an open refund`, {
          refundId: open.id,
          state: open.state,
        });

      /**
       * Another request committed first: when it had this key, its refund is this request's answer
       * (it may commit between any two of these reads); any other open refund of the voucher refuses it.
       */
      const afterConflict = async (): Promise<SubmittedApplication | undefined> => {
        const raced = await replay();
        if (raced) return raced;
        const other = await this.refunds.findOpenByVoucher(m, cmd.voucherNo);
        if (other) throw openRefundExists(other);
        return undefined;
      };

      const earlier = await replay();
      if (earlier) return earlier;
      if (await this.refunds.findOpenByVoucher(m, cmd.voucherNo)) {
        const answer = await afterConflict();
        if (answer) return answer;
      }

      const now = this.clock.now();
      const today = shanghaiDate(now);
      const { precheck, payment } = await this.prechecks.run(m, { ...cmd, date: today });
      const refund: Refund = {
        id: randomUUID(),
        voucherNo: cmd.voucherNo,
        idNumber: cmd.idNumber,
        amountFen: cmd.amountFen,
        reason: cmd.reason,
        payeeName: cmd.payeeName,
        payeeBank: cmd.payeeBank ?? null,
        payeeAccount: cmd.payeeAccount,
        note: cmd.note ?? null,
        state: 'REQUESTED',
        season: payment?.season ?? null,
        regionCode: payment?.regionCode ?? null,
        townshipCode: payment?.townshipCode ?? null,
        precheck,
        enteredBy: cmd.enteredBy,
        enteredAt: now,
        enteredOn: today,
        idempotencyKey: cmd.idempotencyKey ?? null,
        requestHash: hash,
        planId: null,
      };
      if (!(await this.refunds.insert(m, refund, now))) {
        const answer = await afterConflict();
        if (answer) return answer;
        throw new Error(`refund ${refund.id} was not inserted and no conflicting row was found`);
      }
      await this.refunds.addTransitions(m, [
        {
          refundId: refund.id,
          from: null,
          to: 'REQUESTED',
          command: 'SUBMIT',
          actor: cmd.enteredBy,
          at: now,
          reason: cmd.note ?? null,
          details: { precheck },
        },
      ]);
      await this.events.requested(m, refund);
      return { refund, replayed: false };
    });
  }
}
