import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Refund, RefundTransition } from './refund.model';
import { RefundState } from './refund-state-machine';

type Row = Record<string, unknown>;

const COLUMNS = `id, voucher_no, id_number, amount_fen, reason, payee_name, payee_bank, payee_account, note, state,
  season, region_code, township_code, precheck, entered_by, entered_at, to_char(entered_on, 'YYYY-MM-DD') AS entered_on,
  idempotency_key, request_hash, plan_id`;

function toRefund(r: Row): Refund {
  return {
    id: r.id as string,
    voucherNo: r.voucher_no as string,
    idNumber: r.id_number as string,
    amountFen: r.amount_fen as number,
    reason: r.reason as Refund['reason'],
    payeeName: r.payee_name as string,
    payeeBank: (r.payee_bank as string) ?? null,
    payeeAccount: r.payee_account as string,
    note: (r.note as string) ?? null,
    state: r.state as RefundState,
    season: (r.season as number) ?? null,
    regionCode: (r.region_code as string) ?? null,
    townshipCode: (r.township_code as string) ?? null,
    precheck: r.precheck as Refund['precheck'],
    enteredBy: r.entered_by as string,
    enteredAt: r.entered_at as Date,
    enteredOn: r.entered_on as string,
    idempotencyKey: (r.idempotency_key as string) ?? null,
    requestHash: (r.request_hash as string) ?? null,
    planId: (r.plan_id as string) ?? null,
  };
}

export interface RefundFilter {
  state?: string;
  reason?: string;
  regionCode?: string;
  townshipCode?: string;
  from?: string;
  to?: string;
  voucherNo?: string;
  idNumber?: string;
  planId?: string;
  limit: number;
  offset: number;
}

/** Every statement about refund applications and their transitions. */
@Injectable()
export class RefundsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Inserts a new application unless its idempotency key was used or its voucher has an open refund
   * (both unique indexes); returns false when it was not inserted, and the caller finds out which.
   */
  async insert(m: EntityManager, r: Refund, updatedAt: Date): Promise<boolean> {
    const rows: Row[] = await m.query(
      `INSERT INTO refund.refunds (id, voucher_no, id_number, amount_fen, reason, payee_name, payee_bank, payee_account,
         note, state, season, region_code, township_code, precheck, entered_by, entered_at, entered_on, idempotency_key,
         request_hash, plan_id, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        r.id,
        r.voucherNo,
        r.idNumber,
        r.amountFen,
        r.reason,
        r.payeeName,
        r.payeeBank,
        r.payeeAccount,
        r.note,
        r.state,
        r.season,
        r.regionCode,
        r.townshipCode,
        JSON.stringify(r.precheck),
        r.enteredBy,
        r.enteredAt,
        r.enteredOn,
        r.idempotencyKey,
        r.requestHash,
        r.planId,
        updatedAt,
      ],
    );
    return rows.length === 1;
  }

  async findByIdempotencyKey(m: EntityManager, enteredBy: string, key: string): Promise<Refund | undefined> {
    const rows: Row[] = await m.query(
      `SELECT ${COLUMNS} FROM refund.refunds WHERE entered_by = $1 AND idempotency_key = $2`,
      [enteredBy, key],
    );
    return rows[0] ? toRefund(rows[0]) : undefined;
  }

  async findOpenByVoucher(m: EntityManager, voucherNo: string): Promise<Refund | undefined> {
    const rows: Row[] = await m.query(
      `SELECT ${COLUMNS} FROM refund.refunds WHERE voucher_no = $1 AND state NOT IN ('REJECTED', 'PAID')`,
      [voucherNo],
    );
    return rows[0] ? toRefund(rows[0]) : undefined;
  }

  /** Fen already paid back on a voucher by refunds other than `exceptId`. */
  async paidBackOnVoucher(m: EntityManager, voucherNo: string, exceptId?: string): Promise<number> {
    const rows: { fen: string | null }[] = await m.query(
      `SELECT SUM(amount_fen) AS fen FROM refund.refunds WHERE voucher_no = $1 AND state = 'PAID' AND id <> COALESCE($2::uuid, '00000000-0000-0000-0000-000000000000')`,
      [voucherNo, exceptId ?? null],
    );
    return Number(rows[0]?.fen ?? 0);
  }

  async get(m: EntityManager | DataSource, id: string): Promise<Refund | undefined> {
    const rows: Row[] = await m.query(`SELECT ${COLUMNS} FROM refund.refunds WHERE id = $1`, [id]);
    return rows[0] ? toRefund(rows[0]) : undefined;
  }

  /** The refunds with these ids, locked for this transaction in id order (no deadlock between plans). */
  async lock(m: EntityManager, ids: string[]): Promise<Refund[]> {
    if (ids.length === 0) return [];
    const rows: Row[] = await m.query(
      `SELECT ${COLUMNS} FROM refund.refunds WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [ids],
    );
    return rows.map(toRefund);
  }

  /** Refunds waiting for a plan: approved, or their payout failed; locked, oldest first. */
  async lockPlannable(m: EntityManager, regionCode: string | undefined, limit: number): Promise<Refund[]> {
    const rows: Row[] = await m.query(
      `SELECT ${COLUMNS} FROM refund.refunds
        WHERE state IN ('APPROVED', 'PAYOUT_FAILED') AND ($1::text IS NULL OR region_code = $1)
        ORDER BY entered_at, id LIMIT $2 FOR UPDATE`,
      [regionCode ?? null, limit],
    );
    return rows.map(toRefund);
  }

  /** Moves refunds to `state`, with what the move learnt (place, pre-check, plan), in one statement. */
  async setState(
    m: EntityManager,
    ids: string[],
    state: RefundState,
    at: Date,
    changes: {
      planId?: string | null;
      place?: { season: number; regionCode: string; townshipCode: string | null };
      precheck?: Refund['precheck'];
    } = {},
  ): Promise<void> {
    if (ids.length === 0) return;
    await m.query(
      `UPDATE refund.refunds SET state = $2, updated_at = $3,
          plan_id = CASE WHEN $4::boolean THEN $5::uuid ELSE plan_id END,
          season = COALESCE($6::int, season), region_code = COALESCE($7::text, region_code),
          township_code = CASE WHEN $6::int IS NULL THEN township_code ELSE $8::text END,
          precheck = COALESCE($9::jsonb, precheck)
        WHERE id = ANY($1::uuid[])`,
      [
        ids,
        state,
        at,
        changes.planId !== undefined,
        changes.planId ?? null,
        changes.place?.season ?? null,
        changes.place?.regionCode ?? null,
        changes.place?.townshipCode ?? null,
        changes.precheck ? JSON.stringify(changes.precheck) : null,
      ],
    );
  }

  async addTransitions(m: EntityManager, rows: RefundTransition[]): Promise<void> {
    if (rows.length === 0) return;
    await m.query(
      `INSERT INTO refund.refund_transitions (refund_id, from_state, to_state, command, actor, at, reason, details)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::jsonb[])`,
      [
        rows.map((r) => r.refundId),
        rows.map((r) => r.from),
        rows.map((r) => r.to),
        rows.map((r) => r.command),
        rows.map((r) => r.actor),
        rows.map((r) => r.at),
        rows.map((r) => r.reason),
        rows.map((r) => JSON.stringify(r.details)),
      ],
    );
  }

  async transitions(m: EntityManager | DataSource, refundId: string): Promise<RefundTransition[]> {
    const rows: Row[] = await m.query(
      `SELECT refund_id, from_state, to_state, command, actor, at, reason, details
         FROM refund.refund_transitions WHERE refund_id = $1 ORDER BY seq`,
      [refundId],
    );
    return rows.map((r) => ({
      refundId: r.refund_id as string,
      from: (r.from_state as RefundState) ?? null,
      to: r.to_state as RefundState,
      command: r.command as RefundTransition['command'],
      actor: r.actor as string,
      at: r.at as Date,
      reason: (r.reason as string) ?? null,
      details: r.details as Record<string, unknown>,
    }));
  }

  async list(f: RefundFilter): Promise<{ total: number; items: Refund[] }> {
    const where = `($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR reason = $2)
      AND ($3::text IS NULL OR region_code = $3) AND ($4::text IS NULL OR township_code = $4)
      AND ($5::date IS NULL OR entered_on >= $5) AND ($6::date IS NULL OR entered_on <= $6)
      AND ($7::text IS NULL OR voucher_no = $7) AND ($8::text IS NULL OR id_number = $8)
      AND ($9::uuid IS NULL OR plan_id = $9)`;
    const params = [
      f.state ?? null,
      f.reason ?? null,
      f.regionCode ?? null,
      f.townshipCode ?? null,
      f.from ?? null,
      f.to ?? null,
      f.voucherNo ?? null,
      f.idNumber ?? null,
      f.planId ?? null,
    ];
    const [count, rows]: [{ n: string }[], Row[]] = await Promise.all([
      this.dataSource.query(`SELECT count(*) AS n FROM refund.refunds WHERE ${where}`, params),
      this.dataSource.query(
        `SELECT ${COLUMNS} FROM refund.refunds WHERE ${where} ORDER BY entered_at DESC, id LIMIT $10 OFFSET $11`,
        [...params, f.limit, f.offset],
      ),
    ]);
    return { total: Number(count[0].n), items: rows.map(toRefund) };
  }
}
