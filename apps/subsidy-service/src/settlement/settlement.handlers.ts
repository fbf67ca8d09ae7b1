import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { SubsidyTransferSettled } from '@urrbmi/contracts';
import { toShanghaiIso } from '@urrbmi/domain';
import { inTransaction } from '@urrbmi/persistence';
import { OutboxWriter } from '@urrbmi/messaging';
import { ApprovalDecision, Clock, decideOrRefuse, Verdict } from '@urrbmi/platform';
import { TransferRepository } from '../match/transfer.repository';
import { DecideSettlementCommand, EnterSettlementCommand } from './settlement.commands';
import { SettlementErrors } from './settlement.errors';
import { SettlementBatch, SettlementRepository } from './settlement.repository';

/** What a settlement batch looks like to callers: its state and, once confirmed, what it did. */
export function settlementView(b: SettlementBatch) {
  return {
    settlementId: b.id,
    status: b.status,
    results: b.results.length,
    paidRequested: b.results.filter((r) => r.status === 'PAID').length,
    failedRequested: b.results.filter((r) => r.status === 'FAILED').length,
    enteredBy: b.enteredBy,
    enteredAt: b.enteredAt,
    decidedBy: b.decidedBy,
    decidedAt: b.decidedAt,
    note: b.note,
    ...(b.outcome ?? {}),
  };
}

/**
 * The checker's turn: the batch locked for the transaction (two checkers cannot both decide) and the
 * maker-checker rule (`decide`, libs/platform) applied; the decision to record, or the coded refusal.
 */
async function lockForChecker(
  batches: SettlementRepository,
  m: EntityManager,
  cmd: DecideSettlementCommand,
  verdict: Verdict,
  at: Date,
): Promise<{ batch: SettlementBatch; decision: ApprovalDecision }> {
  const batch = await batches.find(cmd.settlementId, m, true);
  if (!batch) throw SettlementErrors.SETTLEMENT_NOT_FOUND(`no settlement batch ${cmd.settlementId}`);
  const decision = decideOrRefuse(
    { ...batch, label: `settlement batch ${batch.id}` },
    { holder: cmd.checker, role: cmd.checkerRole },
    { verdict, at, note: cmd.note },
  );
  return { batch, decision };
}

/** `EnterSettlement` (maker): the bank's results wait, PENDING, for a second holder. */
@Injectable()
export class EnterSettlementHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly batches: SettlementRepository,
    private readonly clock: Clock,
  ) {}

  execute(cmd: EnterSettlementCommand) {
    return inTransaction(this.dataSource, async (m) => {
      const id = randomUUID();
      await this.batches.create(m, {
        id,
        results: cmd.results.map((r) => ({ transferId: r.transferId, status: r.status, failure: r.failure })),
        enteredBy: cmd.enteredBy,
        enteredRole: cmd.enteredRole,
        at: this.clock.now(),
      });
      return settlementView((await this.batches.find(id, m))!);
    });
  }
}

/**
 * `SettleTransfers` (checker confirms): the results are applied to transfers still REQUESTED —
 * PAID, or FAILED with the reason (a failed one is made again by the next run) — and
 * `subsidy.transfer.settled` is published for each. Unknown ids and transfers settled before change
 * nothing; they are listed back as `ignored`.
 */
@Injectable()
export class SettleTransfersHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly batches: SettlementRepository,
    private readonly transfers: TransferRepository,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
  ) {}

  execute(cmd: DecideSettlementCommand) {
    return inTransaction(this.dataSource, async (m) => {
      const now = this.clock.now();
      const { batch: b, decision } = await lockForChecker(this.batches, m, cmd, 'CONFIRMED', now);
      const updated = await this.transfers.settle(m, b.results, cmd.checker, now);
      const settledAt = toShanghaiIso(now);
      await this.outbox.publish(
        m,
        updated.map((u) => ({
          type: SubsidyTransferSettled.type,
          version: SubsidyTransferSettled.version,
          payload: {
            transferId: u.id,
            idNumber: u.idNumber,
            season: u.season,
            status: u.status,
            amountFen: u.amountFen,
            failure: u.failure ?? undefined,
            settledAt,
          },
        })),
      );
      const done = new Set(updated.map((u) => u.id));
      const outcome = {
        settled: updated.length,
        paid: updated.filter((u) => u.status === 'PAID').length,
        failed: updated.filter((u) => u.status === 'FAILED').length,
        ignored: b.results.filter((r) => !done.has(r.transferId)).map((r) => r.transferId),
      };
      await this.batches.decide(m, b.id, decision, outcome);
      return settlementView((await this.batches.find(b.id, m))!);
    });
  }
}

/** `RejectSettlement` (checker refuses): nothing is applied. */
@Injectable()
export class RejectSettlementHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly batches: SettlementRepository,
    private readonly clock: Clock,
  ) {}

  execute(cmd: DecideSettlementCommand) {
    return inTransaction(this.dataSource, async (m) => {
      const { batch: b, decision } = await lockForChecker(this.batches, m, cmd, 'REJECTED', this.clock.now());
      await this.batches.decide(m, b.id, decision);
      return settlementView((await this.batches.find(b.id, m))!);
    });
  }
}

/** `GetSettlement`: a batch and its state, for the checker (and the maker) to see. */
@Injectable()
export class GetSettlementHandler {
  constructor(private readonly batches: SettlementRepository) {}

  async execute(id: string) {
    const b = await this.batches.find(id);
    if (!b) throw SettlementErrors.SETTLEMENT_NOT_FOUND(`no settlement batch ${id}`);
    return settlementView(b);
  }

  async pending() {
    return { pending: (await this.batches.pending()).map(settlementView) };
  }
}
