import { DataSource } from 'typeorm';
import { assertIdentifier } from '@urrbmi/persistence';

export interface PersonRead {
  at: Date;
  holder: string;
  role: string;
  route: string;
}

/** Every statement on `<schema>.person_reads`. */
export class PersonReadsRepository {
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
  ) {
    this.table = `"${assertIdentifier(schema)}".person_reads`;
  }

  /** One row per person, in one statement whatever the number of persons. */
  async record(read: PersonRead, idNumbers: string[]): Promise<void> {
    if (idNumbers.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO ${this.table} (read_at, holder, role, route, id_number)
       SELECT $1, $2, $3, $4, unnest($5::text[])`,
      [read.at, read.holder, read.role, read.route, idNumbers],
    );
  }

  /** Reads of one person, newest first. */
  async ofPerson(idNumber: string, from: Date, to: Date, limit: number): Promise<PersonRead[]> {
    const rows: { read_at: Date; holder: string; role: string; route: string }[] =
      await this.dataSource.query(
        `SELECT read_at, holder, role, route FROM ${this.table}
        WHERE id_number = $1 AND read_at >= $2 AND read_at < $3
        ORDER BY read_at DESC, id DESC LIMIT $4`,
        [idNumber, from, to, limit],
      );
    return rows.map((r) => ({ at: r.read_at, holder: r.holder, role: r.role, route: r.route }));
  }
}
