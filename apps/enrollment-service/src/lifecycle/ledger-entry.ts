import { PaymentRecordedV1, PaymentReversedV1, RefundPaidV1 } from '@urrbmi/contracts';
import { ConsumedEvent } from '@urrbmi/messaging';

/**
 * One line of a person's ledger (缴费台账) in this service: a payment or a reversal from the tax
 * feed, or a refund paid by the finance bureau (negative). Unique by voucher, so an entry counts once
 * whatever delivers it.
 */
export interface LedgerEntry {
  voucherNo: string;
  idNumber: string;
  season: number;
  kind: 'PAYMENT' | 'REVERSAL' | 'REFUND';
  originalVoucherNo: string | null;
  amountFen: number;
  channel: string | null;
  paidAt: string;
  eventId: string;
}

export function paymentEntry({
  envelope: { payload: p, eventId },
}: ConsumedEvent<PaymentRecordedV1>): LedgerEntry {
  return {
    voucherNo: p.voucherNo,
    idNumber: p.idNumber,
    season: p.season,
    kind: 'PAYMENT',
    originalVoucherNo: null,
    amountFen: p.amountFen,
    channel: p.channel,
    paidAt: p.paidAt,
    eventId,
  };
}

export function reversalEntry({
  envelope: { payload: p, eventId },
}: ConsumedEvent<PaymentReversedV1>): LedgerEntry {
  return {
    voucherNo: p.voucherNo,
    idNumber: p.idNumber,
    season: p.season,
    kind: 'REVERSAL',
    originalVoucherNo: p.originalVoucherNo,
    amountFen: p.amountFen,
    channel: null,
    paidAt: p.reversedAt,
    eventId,
  };
}

/** A refund's voucher is its refund id, so a refund enters the ledger once. */
export function refundVoucher(refundId: string): string {
  return `refund:${refundId}`;
}

export function refundEntry({ envelope: { payload: p, eventId } }: ConsumedEvent<RefundPaidV1>): LedgerEntry {
  return {
    voucherNo: refundVoucher(p.refundId),
    idNumber: p.idNumber,
    season: p.season,
    kind: 'REFUND',
    originalVoucherNo: null,
    amountFen: -p.amountFen,
    channel: null,
    paidAt: p.paidAt,
    eventId,
  };
}
