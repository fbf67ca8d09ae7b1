import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '@urrbmi/platform';

/** A person on a confirmed employee-insured list. */
export interface EmployeeInsuredPerson {
  idNumber: string;
  name: string | null;
  insuredFrom: string | null;
  insuredTo: string | null;
}

/**
 * People insured as employees (`enrollment.employee_insured`), one row per person, kept from the
 * confirmed lists: registration refuses them as double cover on the dates they are insured.
 */
@Injectable()
export class EmployeeInsuredRepository {
  constructor(private readonly clock: Clock) {}

  async isEmployeeInsured(m: EntityManager, idNumber: string, onDate: string): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `SELECT 1 FROM enrollment.employee_insured WHERE id_number = $1
          AND (insured_from IS NULL OR insured_from <= $2::date) AND (insured_to IS NULL OR insured_to >= $2::date)`,
      [idNumber, onDate],
    );
    return rows.length > 0;
  }

  /** Which of these people are insured as employees on the date (one query for a whole chunk). */
  async employeeInsuredAmong(m: EntityManager, idNumbers: string[], onDate: string): Promise<Set<string>> {
    if (idNumbers.length === 0) return new Set();
    const rows: { id_number: string }[] = await m.query(
      `SELECT id_number FROM enrollment.employee_insured WHERE id_number = ANY($1::text[])
          AND (insured_from IS NULL OR insured_from <= $2::date) AND (insured_to IS NULL OR insured_to >= $2::date)`,
      [idNumbers, onDate],
    );
    return new Set(rows.map((r) => r.id_number));
  }

  /** Records the people of a confirmed list (a person listed again takes the latest list's dates). */
  async upsertEmployeeInsured(m: EntityManager, rows: EmployeeInsuredPerson[], by: string): Promise<void> {
    await m.query(
      `INSERT INTO enrollment.employee_insured (id_number, name, insured_from, insured_to, listed_by, listed_at)
       SELECT i, n, f, t, $5::text, $6::timestamptz FROM unnest($1::text[], $2::text[], $3::date[], $4::date[]) AS x(i, n, f, t)
       ON CONFLICT (id_number) DO UPDATE SET name = EXCLUDED.name, insured_from = EXCLUDED.insured_from,
         insured_to = EXCLUDED.insured_to, listed_by = EXCLUDED.listed_by, listed_at = EXCLUDED.listed_at`,
      [
        rows.map((r) => r.idNumber),
        rows.map((r) => r.name),
        rows.map((r) => r.insuredFrom),
        rows.map((r) => r.insuredTo),
        by,
        this.clock.now(),
      ],
    );
  }
}
