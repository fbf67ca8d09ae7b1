import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  RefundApproved,
  RefundApprovedV1,
  RefundPaid,
  RefundPaidV1,
  refundPaidReasonOf,
  RefundRejected,
  RefundRejectedV1,
  RefundRequested,
  RefundRequestedV1,
} from '@urrbmi/contracts';
import { toShanghaiIso } from '@urrbmi/domain';
import { OutboxWriter } from '@urrbmi/messaging';
import { Refund } from './refund.model';

function place(r: Refund) {
  return {
    ...(r.season !== null ? { season: r.season } : {}),
    ...(r.regionCode !== null ? { regionCode: r.regionCode } : {}),
    ...(r.townshipCode !== null ? { townshipCode: r.townshipCode } : {}),
  };
}

/** The per-refund events, keyed by resident ID number, written to the outbox in the caller's transaction. */
@Injectable()
export class RefundEvents {
  constructor(private readonly outbox: OutboxWriter) {}

  async requested(m: EntityManager, r: Refund): Promise<void> {
    const payload: RefundRequestedV1 = {
      refundId: r.id,
      voucherNo: r.voucherNo,
      idNumber: r.idNumber,
      ...place(r),
      amountFen: r.amountFen,
      reason: r.reason,
      precheckPassed: r.precheck.passed,
      precheckFailures: r.precheck.failures.map((f) => f.code),
      requestedBy: r.enteredBy,
      requestedAt: toShanghaiIso(r.enteredAt),
    };
    await this.outbox.publish(m, [{ type: RefundRequested.type, version: RefundRequested.version, payload }]);
  }

  async approved(
    m: EntityManager,
    r: Refund,
    by: string,
    at: Date,
    override: string | undefined,
  ): Promise<void> {
    const payload: RefundApprovedV1 = {
      refundId: r.id,
      voucherNo: r.voucherNo,
      idNumber: r.idNumber,
      season: r.season!,
      regionCode: r.regionCode!,
      ...(r.townshipCode ? { townshipCode: r.townshipCode } : {}),
      amountFen: r.amountFen,
      reason: r.reason,
      ...(override ? { override } : {}),
      approvedBy: by,
      approvedAt: toShanghaiIso(at),
    };
    await this.outbox.publish(m, [{ type: RefundApproved.type, version: RefundApproved.version, payload }]);
  }

  async rejected(m: EntityManager, r: Refund, by: string, at: Date, why: string): Promise<void> {
    const payload: RefundRejectedV1 = {
      refundId: r.id,
      voucherNo: r.voucherNo,
      idNumber: r.idNumber,
      ...place(r),
      amountFen: r.amountFen,
      reason: r.reason,
      rejectionReason: why,
      rejectedBy: by,
      rejectedAt: toShanghaiIso(at),
    };
    await this.outbox.publish(m, [{ type: RefundRejected.type, version: RefundRejected.version, payload }]);
  }

  /** refund.paid v1: the application's DOUBLE_COVER is v1's DOUBLE_COVER_EMPLOYEE. */
  async paid(m: EntityManager, r: Refund, at: Date): Promise<void> {
    const payload: RefundPaidV1 = {
      refundId: r.id,
      idNumber: r.idNumber,
      season: r.season!,
      regionCode: r.regionCode!,
      amountFen: r.amountFen,
      reason: refundPaidReasonOf(r.reason),
      paidAt: toShanghaiIso(at),
    };
    await this.outbox.publish(m, [{ type: RefundPaid.type, version: RefundPaid.version, payload }]);
  }
}
