import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { RegisterEnrollmentCommand } from './register-enrollment.command';

export interface EnrollmentRow {
  id: string;
  id_number: string;
  season: number;
  status: string;
  registered_at: Date;
}

@Injectable()
export class EnrollmentRepository {
  /** Inserts unless the person already has an enrolment this season; returns the existing one then. */
  async insertIfAbsent(
    manager: EntityManager,
    id: string,
    cmd: RegisterEnrollmentCommand,
    registeredBy: string,
  ): Promise<{ created: boolean; row: EnrollmentRow }> {
    const inserted: EnrollmentRow[] = await manager.query(
      `INSERT INTO enrollment.enrollments (id, id_number, name, season, region_code, township_code, village_code, kind, registered_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (id_number, season) DO NOTHING
       RETURNING id, id_number, season, status, registered_at`,
      [
        id,
        cmd.idNumber,
        cmd.name,
        cmd.season,
        cmd.regionCode,
        cmd.townshipCode ?? null,
        cmd.villageCode ?? null,
        cmd.kind,
        registeredBy,
      ],
    );
    if (inserted.length > 0) return { created: true, row: inserted[0] };
    const existing: EnrollmentRow[] = await manager.query(
      `SELECT id, id_number, season, status, registered_at FROM enrollment.enrollments WHERE id_number = $1 AND season = $2`,
      [cmd.idNumber, cmd.season],
    );
    return { created: false, row: existing[0] };
  }
}
