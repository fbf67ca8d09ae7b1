import { Injectable } from '@nestjs/common';
import { IsArray, IsDefined, IsIn, IsString } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { PaymentRecordedV1 } from '@urrbmi/contracts';
import { Clock, CommandHandler, validated } from '@urrbmi/platform';
import { benefitStart, PolicyRegistry } from '@urrbmi/policy';
import { RegisterEnrollmentHandler } from '../registration/register-enrollment.handler';
import { EnrolmentStateService } from '../standing/enrolment-state.service';
import { EnrollmentRepository, NewEnrollment } from '../standing/enrollment.repository';
import { LedgerEntry } from './ledger-entry';
import { LedgerRepository } from './ledger.repository';

const ACTOR = 'tax-collection-feed';

/**
 * Payments or reversals from the tax feed, applied in the consumer's transaction. `payers` are the
 * payments' own payloads: a payment from someone not registered (续保: last season's payers just pay)
 * registers them from it.
 */
export class RecordLedgerEntriesCommand {
  @IsIn(['payment.recorded', 'payment.reversed'])
  cause!: 'payment.recorded' | 'payment.reversed';

  @IsArray()
  entries!: LedgerEntry[];

  @IsArray()
  payers!: PaymentRecordedV1[];

  @IsDefined()
  manager!: EntityManager;

  @IsString()
  actor: string = ACTOR;

  static of(
    cause: RecordLedgerEntriesCommand['cause'],
    entries: LedgerEntry[],
    payers: PaymentRecordedV1[],
    manager: EntityManager,
  ): RecordLedgerEntriesCommand {
    return validated(Object.assign(new RecordLedgerEntriesCommand(), { cause, entries, payers, manager }));
  }
}

/**
 * The ledger (unique by voucher), then every touched enrolment recomputed: activation, deactivation
 * after a reversal, over- and under-payment all follow from the standing.
 */
@Injectable()
export class RecordLedgerEntriesHandler implements CommandHandler<RecordLedgerEntriesCommand, void> {
  constructor(
    private readonly repository: EnrollmentRepository,
    private readonly state: EnrolmentStateService,
    private readonly policies: PolicyRegistry,
    private readonly registration: RegisterEnrollmentHandler,
    private readonly ledger: LedgerRepository,
    private readonly clock: Clock,
  ) {}

  async execute(cmd: RecordLedgerEntriesCommand): Promise<void> {
    const m = cmd.manager;
    await this.registerUnknownPayers(m, cmd.payers, cmd.actor);
    await this.ledger.insertPayments(m, cmd.entries);
    const keys = cmd.entries.map((e) => ({ idNumber: e.idNumber, season: e.season }));
    const unique = [...new Map(keys.map((k) => [`${k.idNumber}:${k.season}`, k])).values()];
    await this.ledger.attachPayments(m, unique);
    const records = await this.repository.lockLive(m, unique);
    await this.state.recompute(m, records, cmd.actor, cmd.cause);
  }

  /** Payers with no live enrolment and a policy for their region and season are registered from the payment. */
  private async registerUnknownPayers(
    m: EntityManager,
    payloads: PaymentRecordedV1[],
    actor: string,
  ): Promise<void> {
    if (payloads.length === 0) return;
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
      const toInsert: NewEnrollment[] = rows.map((r) => this.registration.toRow(r.id, r.checked, actor));
      const insertedAt = this.clock.now();
      const inserted = await this.repository.insertMany(m, toInsert, insertedAt);
      await this.registration.publishRegistered(
        m,
        rows.filter((r) => inserted.has(r.id)),
        actor,
        insertedAt,
      );
    }
  }
}
