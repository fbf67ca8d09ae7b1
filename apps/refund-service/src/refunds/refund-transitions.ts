import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { RefundErrors } from './refund.errors';
import { Refund } from './refund.model';
import { RefundCommand, RefundState, transition } from './refund-state-machine';
import { RefundsRepository } from './refunds.repository';

export interface Move {
  command: RefundCommand;
  actor: string;
  at: Date;
  reason: string | null;
  details?: Record<string, unknown>;
}

/**
 * Applies one command to refunds already locked by the caller's transaction: the state machine is
 * asked for every refund first, and if any may not move, nothing moves (409 naming each refusal).
 * Then states and transition rows are written set-based.
 */
@Injectable()
export class RefundTransitions {
  constructor(private readonly repository: RefundsRepository) {}

  /** Where each refund goes, or a 409 ILLEGAL_TRANSITION for all that cannot. */
  check(refunds: Refund[], command: RefundCommand): RefundState {
    const refused = refunds
      .map((r) => ({ id: r.id, result: transition(r.state, command) }))
      .filter((x) => !x.result.ok);
    if (refused.length > 0) {
      const first = refused[0].result;
      throw RefundErrors.ILLEGAL_TRANSITION(
        refused.length === 1 && !first.ok
          ? `refund ${refused[0].id}: ${first.message}`
          : `${refused.length} refunds cannot take ${command}`,
        refused.map((x) => ({
          refundId: x.id,
          state: x.result.from,
          allowed: x.result.ok ? [] : x.result.allowed,
        })),
      );
    }
    const targets = new Set(refunds.map((r) => transition(r.state, command)).map((t) => (t.ok ? t.to : '')));
    if (targets.size !== 1) throw new Error(`${command} leads refunds to different states`);
    return [...targets][0] as RefundState;
  }

  async apply(
    m: EntityManager,
    refunds: Refund[],
    move: Move,
    changes: Parameters<RefundsRepository['setState']>[4] = {},
  ): Promise<RefundState> {
    const to = this.check(refunds, move.command);
    await this.repository.setState(
      m,
      refunds.map((r) => r.id),
      to,
      move.at,
      changes,
    );
    await this.repository.addTransitions(
      m,
      refunds.map((r) => ({
        refundId: r.id,
        from: r.state,
        to,
        command: move.command,
        actor: move.actor,
        at: move.at,
        reason: move.reason,
        details: move.details ?? {},
      })),
    );
    return to;
  }
}
