import { Injectable } from '@nestjs/common';
import { IsObject, IsString, MaxLength, MinLength } from 'class-validator';
import { IsResidentId } from '@urrbmi/contracts';
import { assertAreaVisible, Principal } from '@urrbmi/platform';
import { IsInt, Max, Min } from 'class-validator';
import { PersonStateRepository } from '../facts/person-state.repository';
import { SeasonRegionQuery } from '../shared/area-query';
import { CommandHandler } from '@urrbmi/platform';
import { HardshipLedgerRepository, RecordedReason } from './hardship-ledger.repository';

export class GetHardshipQuery extends SeasonRegionQuery {}

export interface HardshipCategory {
  category: string;
  people: number;
  enrolled: number;
  /** enrolled / people, 4 decimals; the target is 1 (100%). */
  enrolmentRate: number;
}

export interface NotEnrolledPerson {
  idNumber: string;
  townshipCode: string | null;
  villageCode: string | null;
  category: string;
  reason: string | null;
  recordedBy: string | null;
  recordedAt: string | null;
}

export interface HardshipReport {
  target: 1;
  categories: HardshipCategory[];
  notEnrolled: NotEnrolledPerson[];
}

/** Hardship groups' enrolment (target 100%) and the ledger (台账) of those not enrolled. */
@Injectable()
export class GetHardshipHandler implements CommandHandler<GetHardshipQuery, HardshipReport> {
  constructor(
    private readonly persons: PersonStateRepository,
    private readonly ledger: HardshipLedgerRepository,
  ) {}

  async execute(q: GetHardshipQuery): Promise<HardshipReport> {
    const own = q.principal.townshipCode;
    const people = (await this.persons.hardship(q.season, q.region)).filter(
      (p) => !own || p.townshipCode === own,
    );
    const reasons = await this.ledger.reasons(q.season);
    const byCategory = new Map<string, HardshipCategory>();
    for (const p of people) {
      const c = byCategory.get(p.category) ?? {
        category: p.category,
        people: 0,
        enrolled: 0,
        enrolmentRate: 0,
      };
      c.people += 1;
      if (p.enrolled) c.enrolled += 1;
      byCategory.set(p.category, c);
    }
    const categories = [...byCategory.values()]
      .map((c) => ({ ...c, enrolmentRate: Math.round((c.enrolled / c.people) * 10_000) / 10_000 }))
      .sort((a, b) => a.category.localeCompare(b.category));
    const notEnrolled = people
      .filter((p) => !p.enrolled)
      .map((p) => {
        const r = reasons.get(p.idNumber);
        return {
          idNumber: p.idNumber,
          townshipCode: p.townshipCode,
          villageCode: p.villageCode,
          category: p.category,
          reason: r?.reason ?? null,
          recordedBy: r?.recordedBy ?? null,
          recordedAt: r?.recordedAt ?? null,
        };
      });
    return { target: 1, categories, notEnrolled };
  }
}

export class RecordHardshipReasonCommand {
  @IsResidentId()
  idNumber!: string;

  @IsInt()
  @Min(2000)
  @Max(2100)
  season!: number;

  @IsString()
  @MinLength(2)
  @MaxLength(500)
  reason!: string;

  @IsObject()
  principal!: Principal;
}

/** Records why a hardship person is not enrolled (e.g. 已在外地参保, 死亡未注销); the latest reason stands. */
@Injectable()
export class RecordHardshipReasonHandler implements CommandHandler<
  RecordHardshipReasonCommand,
  RecordedReason
> {
  constructor(
    private readonly persons: PersonStateRepository,
    private readonly ledger: HardshipLedgerRepository,
  ) {}

  async execute(cmd: RecordHardshipReasonCommand): Promise<RecordedReason> {
    if (cmd.principal.townshipCode) {
      const person = (await this.persons.hardship(cmd.season, cmd.idNumber.slice(0, 6))).find(
        (p) => p.idNumber === cmd.idNumber,
      );
      assertAreaVisible(cmd.principal, person?.townshipCode);
    }
    return this.ledger.record(cmd.idNumber, cmd.season, cmd.reason, cmd.principal.holder);
  }
}
