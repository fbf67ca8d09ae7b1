import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** A death-list row held for the checker: the enrolment it will cancel, and from when. */
export interface HeldDeath {
  line: number;
  enrollmentId: string;
  dateOfDeath: string;
}

/** The same, with the person and season of its enrolment (to lock it again when confirmed). */
export interface HeldDeathOf extends HeldDeath {
  idNumber: string;
  season: number;
}

/** The cancellations a death list holds until its checker decides (`enrollment.death_list_entries`). */
@Injectable()
export class DeathListRepository {
  /** Holds a chunk's rows; returns the lines held (a second line for the same enrolment is not). */
  async hold(m: EntityManager, batchId: string, rows: HeldDeath[]): Promise<Set<number>> {
    if (rows.length === 0) return new Set();
    const held: { line_no: number }[] = await m.query(
      `INSERT INTO enrollment.death_list_entries (batch_id, line_no, enrollment_id, date_of_death)
       SELECT $1, * FROM unnest($2::int[], $3::uuid[], $4::date[])
       ON CONFLICT DO NOTHING RETURNING line_no`,
      [batchId, rows.map((r) => r.line), rows.map((r) => r.enrollmentId), rows.map((r) => r.dateOfDeath)],
    );
    return new Set(held.map((r) => r.line_no));
  }

  async count(m: EntityManager, batchId: string): Promise<number> {
    const [r]: { n: number }[] = await m.query(
      `SELECT count(*)::int AS n FROM enrollment.death_list_entries WHERE batch_id = $1`,
      [batchId],
    );
    return r.n;
  }

  /** A page of a list's held rows in line order, after `afterLine`. */
  async page(m: EntityManager, batchId: string, afterLine: number, limit: number): Promise<HeldDeathOf[]> {
    const rows: {
      line_no: number;
      enrollment_id: string;
      date_of_death: string;
      id_number: string;
      season: number;
    }[] = await m.query(
      `SELECT d.line_no, d.enrollment_id, to_char(d.date_of_death, 'YYYY-MM-DD') AS date_of_death, e.id_number, e.season
         FROM enrollment.death_list_entries d JOIN enrollment.enrollments e ON e.id = d.enrollment_id
        WHERE d.batch_id = $1 AND d.line_no > $2 ORDER BY d.line_no LIMIT $3`,
      [batchId, afterLine, limit],
    );
    return rows.map((r) => ({
      line: r.line_no,
      enrollmentId: r.enrollment_id,
      dateOfDeath: r.date_of_death,
      idNumber: r.id_number,
      season: r.season,
    }));
  }
}
