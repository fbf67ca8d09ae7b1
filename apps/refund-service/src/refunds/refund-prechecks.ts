import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { RefundApplicationReason, refundPaidReasonOf } from '@urrbmi/contracts';
import { PolicyRegistry, RefundPrecheck, refundPrechecks } from '@urrbmi/policy';
import { PaymentFact, ProjectionsRepository } from '../projections/projections.repository';
import { RefundsRepository } from './refunds.repository';

export interface PrecheckedApplication {
  precheck: RefundPrecheck;
  /** The voucher's payment as the refund desk knows it; undefined when nothing about it arrived. */
  payment: PaymentFact | undefined;
}

/**
 * Gathers what the pre-checks need from this service's projections (the voucher's payment, what was
 * paid back on it, the policy of its region and season) and asks `refundPrechecks` in libs/policy.
 * Used at intake and again at review, in the caller's transaction.
 */
@Injectable()
export class RefundPrechecks {
  constructor(
    private readonly projections: ProjectionsRepository,
    private readonly refunds: RefundsRepository,
    private readonly policies: PolicyRegistry,
  ) {}

  async run(
    m: EntityManager,
    a: {
      voucherNo: string;
      idNumber: string;
      amountFen: number;
      reason: RefundApplicationReason;
      /** Asia/Shanghai date the application was accepted. */
      date: string;
      /** The refund being reviewed, not counted among earlier refunds of its voucher. */
      refundId?: string;
    },
  ): Promise<PrecheckedApplication> {
    const payment = await this.projections.payment(m, a.voucherNo);
    const precheck = refundPrechecks({
      policy: payment ? this.policies.find(payment.regionCode, payment.season) : undefined,
      reason: refundPaidReasonOf(a.reason),
      date: a.date,
      idNumber: a.idNumber,
      requestedFen: a.amountFen,
      // A reversal can arrive before its payment: the voucher is then known to be reversed.
      payment: payment
        ? { idNumber: payment.idNumber, amountFen: payment.amountFen ?? 0, reversed: payment.reversed }
        : null,
      refundedFen: await this.refunds.paidBackOnVoucher(m, a.voucherNo, a.refundId),
    });
    return { precheck, payment };
  }
}
