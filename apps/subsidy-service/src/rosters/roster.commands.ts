import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { isBusinessDate } from '@urrbmi/domain';
import { StoredFile } from '@urrbmi/files';
import { Command, Principal, validated } from '@urrbmi/platform';
import { ROSTER_SOURCES, RosterSource } from '@urrbmi/policy';
import { RosterErrors } from './roster.errors';

/** Which role may upload (and approve) which source's roster. */
export const SOURCES_OF_ROLE: Record<string, RosterSource[]> = {
  'civil-affairs': ['CIVIL_AFFAIRS'],
  'rural-revitalization': ['RURAL_REVITALIZATION'],
  mib: ['VETERANS', 'HEALTH', 'DISABLED_FEDERATION', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'],
};

/** The headers of a roster upload, checked before the body is read. */
export interface RosterHeaders {
  source: string;
  asOf: string;
  regionCode?: string;
}

/** Refuses a roster upload on its headers and the sender's role, before a byte of the body is stored. */
export function checkRosterHeaders(h: RosterHeaders, by: Principal): void {
  if (!(h.source in ROSTER_SOURCES))
    throw RosterErrors.BAD_HEADER(`X-Roster-Source must be one of ${Object.keys(ROSTER_SOURCES).join(', ')}`);
  if (h.source === 'EMPLOYEE_INSURANCE')
    throw RosterErrors.USE_EMPLOYEE_INSURED_LIST(
      'the employee-insured list goes to POST /v1/employee-insured on enrollment-service',
    );
  if (!isBusinessDate(h.asOf)) throw RosterErrors.BAD_HEADER('X-As-Of must be a date YYYY-MM-DD');
  if (h.regionCode !== undefined && !/^\d{6}$/.test(h.regionCode))
    throw RosterErrors.BAD_HEADER('X-Region-Code must be a 6-digit division code');
  if (!(SOURCES_OF_ROLE[by.baseRole] ?? []).includes(h.source as RosterSource))
    throw RosterErrors.NOT_YOUR_SOURCE(`role ${by.role} may not send the ${h.source} roster`);
}

/** `StageRoster`: a stored upload to read, check and stage until a second person decides. */
export class StageRosterCommand {
  @IsIn(Object.keys(ROSTER_SOURCES))
  source!: RosterSource;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  asOf!: string;

  @IsOptional()
  @Matches(/^\d{6}$/)
  regionCode?: string;

  @MaxLength(200)
  @IsString()
  uploadedBy!: string;

  @MaxLength(100)
  @IsString()
  uploadedRole!: string;

  @IsString()
  contentType!: string;

  /** The upload, hashed and on disk. */
  stored!: StoredFile;

  static of(h: RosterHeaders, stored: StoredFile, contentType: string, by: Principal): StageRosterCommand {
    checkRosterHeaders(h, by);
    return validated(
      Object.assign(new StageRosterCommand(), {
        source: h.source as RosterSource,
        asOf: h.asOf,
        regionCode: h.regionCode,
        uploadedBy: by.holder,
        uploadedRole: by.role,
        contentType,
        stored,
      }),
    );
  }
}

export class RosterDecision extends Command {
  @ApiPropertyOptional({ example: '核对无误' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

/** `ApproveRoster` / `RejectRoster`: a second person of the uploader's department decides. */
export class DecideRosterCommand extends RosterDecision {
  @IsUUID()
  uploadId!: string;

  @MaxLength(200)
  @IsString()
  decidedBy!: string;

  @MaxLength(100)
  @IsString()
  decidedRole!: string;

  static of(uploadId: string, d: RosterDecision, by: Principal): DecideRosterCommand {
    return DecideRosterCommand.create({ ...d, uploadId, decidedBy: by.holder, decidedRole: by.role });
  }
}
