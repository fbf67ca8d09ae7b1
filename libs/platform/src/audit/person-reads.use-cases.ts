import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsDate,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MaxLength,
} from 'class-validator';
import { isValidResidentId, toShanghaiIso } from '@urrbmi/domain';
import { DomainError } from '../errors/domain-error';
import { Command, CommandHandler, validated } from '../use-case/command';
import { PersonRead, PersonReadsRepository } from './person-reads.repository';

/** A read of named persons by one key holder through one route: recorded for the auditor. */
export class RecordPersonReadsCommand extends Command {
  @IsDate()
  at!: Date;

  @IsString()
  @MaxLength(200)
  holder!: string;

  @IsString()
  @MaxLength(60)
  role!: string;

  @IsString()
  @MaxLength(300)
  route!: string;

  @ArrayMaxSize(1_000_000)
  @Matches(/^\d{17}[\dX]$/, { each: true, message: 'idNumbers must be normalised resident ID numbers' })
  idNumbers!: string[];
}

export class RecordPersonReadsHandler implements CommandHandler<RecordPersonReadsCommand, void> {
  constructor(private readonly reads: PersonReadsRepository) {}

  async execute(cmd: RecordPersonReadsCommand): Promise<void> {
    validated(cmd);
    const { at, holder, role, route } = cmd;
    await this.reads.record({ at, holder, role, route }, [...new Set(cmd.idNumbers)]);
  }
}

/** The auditor's question: who read this person's record, between two instants. */
export class ListPersonReadsQuery extends Command {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value))
  @IsString()
  @Matches(/^\d{17}[\dX]$/, { message: 'idNumber must be a resident ID number' })
  idNumber!: string;

  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}(T.*)?$/, { message: 'from must be a date or an ISO-8601 instant' })
  from?: string;

  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}(T.*)?$/, { message: 'to must be a date or an ISO-8601 instant' })
  to?: string;

  @IsOptional()
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @IsInt()
  @Min(1)
  @Max(10000)
  limit?: number;
}

export interface PersonReadsReport {
  idNumber: string;
  reads: { at: string; holder: string; role: string; route: string }[];
}

export class ListPersonReadsHandler implements CommandHandler<ListPersonReadsQuery, PersonReadsReport> {
  constructor(private readonly reads: PersonReadsRepository) {}

  async execute(q: ListPersonReadsQuery): Promise<PersonReadsReport> {
    if (!isValidResidentId(q.idNumber))
      throw new DomainError('INVALID_ID_NUMBER', 'idNumber must be a valid resident ID number', 400);
    // A date is a Shanghai day: from its start, to its start (exclusive).
    const instant = (name: string, s: string | undefined, fallback: Date) => {
      if (s === undefined) return fallback;
      const d = new Date(s.length === 10 ? `${s}T00:00:00+08:00` : s);
      if (Number.isNaN(d.getTime()))
        throw new DomainError('BAD_QUERY', `${name} is not a date or instant`, 400);
      return d;
    };
    const from = instant('from', q.from, new Date(0));
    const to = instant('to', q.to, new Date(8.64e15));
    const rows: PersonRead[] = await this.reads.ofPerson(q.idNumber, from, to, q.limit ?? 1000);
    return {
      idNumber: q.idNumber,
      reads: rows.map((r) => ({ at: toShanghaiIso(r.at), holder: r.holder, role: r.role, route: r.route })),
    };
  }
}
