import { RefundApplicationReason } from '@urrbmi/contracts';
import { RefundPrecheck } from '@urrbmi/policy';
import { RefundCommand, RefundState } from './refund-state-machine';

/** A refund application and where it stands (one row of refund.refunds). */
export interface Refund {
  id: string;
  voucherNo: string;
  idNumber: string;
  amountFen: number;
  reason: RefundApplicationReason;
  payeeName: string;
  payeeBank: string | null;
  payeeAccount: string;
  note: string | null;
  state: RefundState;
  /** Where the refunded payment belongs; known once its voucher is among the recorded payments. */
  season: number | null;
  regionCode: string | null;
  townshipCode: string | null;
  precheck: RefundPrecheck;
  enteredBy: string;
  enteredAt: Date;
  /** Asia/Shanghai date the tax bureau's application was entered. */
  enteredOn: string;
  idempotencyKey: string | null;
  requestHash: string | null;
  planId: string | null;
}

/** One move of a refund: who made it, when and why (refund.refund_transitions). */
export interface RefundTransition {
  refundId: string;
  from: RefundState | null;
  to: RefundState;
  command: RefundCommand | 'SUBMIT';
  actor: string;
  at: Date;
  reason: string | null;
  details: Record<string, unknown>;
}
