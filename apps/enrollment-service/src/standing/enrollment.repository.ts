import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '@urrbmi/platform';
import { EnrolmentFacts } from './payment-standing';

/**
 * 有效参保: an enrolment that still counts — neither cancelled nor refunded. At most one per person
 * and season (the partial unique index of the lifecycle migration has this very predicate, which is
 * why ON CONFLICT names it).
 */
export function liveEnrolment(alias?: string): string {
  return `${alias ? `${alias}.` : ''}status NOT IN ('CANCELLED', 'REFUNDED')`;
}

/** An enrolment row as the service works with it. */
export interface EnrollmentRecord {
  id: string;
  idNumber: string;
  name: string;
  season: number;
  regionCode: string;
  townshipCode: string | null;
  villageCode: string | null;
  kind: string;
  status: string;
  policyId: string;
  facts: EnrolmentFacts;
  standardFen: number;
  amountDueFen: number;
  subsidyFen: number;
  subsidyCategory: string | null;
  subsidyMode: string | null;
  subsidyReason: string | null;
  paidFen: number;
  paidAs: string | null;
  paymentFlag: string | null;
  benefitStart: string | null;
  benefitEnd: string | null;
  waitingMonths: number;
  doubleCover: boolean;
  cancelReason: string | null;
  registeredBy: string;
  registeredAt: Date;
  /** Bumped at every change of standing; published as `enrollment.standing`'s standingVersion. */
  standingVersion: number;
  paidInFullOn: string | null;
}

const COLUMNS = `id, id_number, name, season, region_code, township_code, village_code, kind, status, policy_id, details,
  standard_fen, amount_due_fen, subsidy_fen, subsidy_category, subsidy_mode, subsidy_reason, paid_fen, paid_as,
  payment_flag, to_char(benefit_start, 'YYYY-MM-DD') AS benefit_start, to_char(benefit_end, 'YYYY-MM-DD') AS benefit_end,
  waiting_months, double_cover, cancel_reason, registered_by, registered_at, standing_version,
  to_char(paid_in_full_on, 'YYYY-MM-DD') AS paid_in_full_on`;

/** A row of `SELECT ${COLUMNS}` as node-postgres gives it (dates as `YYYY-MM-DD` text by to_char). */
interface EnrollmentRow {
  id: string;
  id_number: string;
  name: string;
  season: number;
  region_code: string;
  township_code: string | null;
  village_code: string | null;
  kind: string;
  status: string;
  /** Nullable in the schema for rows older than the column; every insert writes it. */
  policy_id: string;
  details: EnrolmentFacts;
  standard_fen: number;
  amount_due_fen: number;
  subsidy_fen: number;
  subsidy_category: string | null;
  subsidy_mode: string | null;
  subsidy_reason: string | null;
  paid_fen: number;
  paid_as: string | null;
  payment_flag: string | null;
  benefit_start: string | null;
  benefit_end: string | null;
  waiting_months: number;
  double_cover: boolean;
  cancel_reason: string | null;
  registered_by: string;
  registered_at: Date;
  standing_version: number;
  paid_in_full_on: string | null;
}

function toRecord(r: EnrollmentRow): EnrollmentRecord {
  return {
    id: r.id,
    idNumber: r.id_number,
    name: r.name,
    season: r.season,
    regionCode: r.region_code,
    townshipCode: r.township_code,
    villageCode: r.village_code,
    kind: r.kind,
    status: r.status,
    policyId: r.policy_id,
    facts: r.details,
    standardFen: r.standard_fen,
    amountDueFen: r.amount_due_fen,
    subsidyFen: r.subsidy_fen,
    subsidyCategory: r.subsidy_category,
    subsidyMode: r.subsidy_mode,
    subsidyReason: r.subsidy_reason,
    paidFen: r.paid_fen,
    paidAs: r.paid_as,
    paymentFlag: r.payment_flag,
    benefitStart: r.benefit_start,
    benefitEnd: r.benefit_end,
    waitingMonths: r.waiting_months,
    doubleCover: r.double_cover,
    cancelReason: r.cancel_reason,
    registeredBy: r.registered_by,
    registeredAt: r.registered_at,
    standingVersion: r.standing_version,
    paidInFullOn: r.paid_in_full_on,
  };
}

export interface NewEnrollment {
  id: string;
  idNumber: string;
  name: string;
  season: number;
  regionCode: string;
  townshipCode: string | null;
  villageCode: string | null;
  kind: string;
  policyId: string;
  facts: EnrolmentFacts;
  standardFen: number;
  registeredBy: string;
}

export interface HistoryEntry {
  enrollmentId: string;
  actor: string;
  change: string;
  details: object;
}

/** A history row as read back. */
export interface HistoryLine {
  at: Date;
  actor: string;
  change: string;
  details: object;
}

/**
 * The enrolment aggregate: its row (one live per person and season) and the history of its changes,
 * written with every change. Bulk paths take arrays and use unnest.
 */
@Injectable()
export class EnrollmentRepository {
  /**
   * Every time a user sees (registered, cancelled, the history) comes from the service clock, so a
   * rehearsal under CLOCK_START reads as the day it rehearses.
   */
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Inserts the enrolments that have no live enrolment for their person and season (the partial
   * unique index decides, so concurrent requests cannot both win); returns the ids inserted.
   */
  /** Inserts the enrolments not live yet, registered at `at` (the instant their events will carry); returns the ids inserted. */
  async insertMany(m: EntityManager, rows: NewEnrollment[], at: Date): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const inserted: { id: string }[] = await m.query(
      `INSERT INTO enrollment.enrollments
         (id, id_number, name, season, region_code, township_code, village_code, kind, policy_id, details,
          standard_fen, amount_due_fen, registered_by, registered_at)
       SELECT *, $13::timestamptz FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[],
                            $9::text[], $10::jsonb[], $11::int[], $11::int[], $12::text[])
       ON CONFLICT (id_number, season) WHERE ${liveEnrolment()} DO NOTHING
       RETURNING id`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.idNumber),
        rows.map((r) => r.name),
        rows.map((r) => r.season),
        rows.map((r) => r.regionCode),
        rows.map((r) => r.townshipCode),
        rows.map((r) => r.villageCode),
        rows.map((r) => r.kind),
        rows.map((r) => r.policyId),
        rows.map((r) => JSON.stringify(r.facts)),
        rows.map((r) => r.standardFen),
        rows.map((r) => r.registeredBy),
        at,
      ],
    );
    return new Set(inserted.map((r) => r.id));
  }

  async findLive(
    m: EntityManager | DataSource,
    idNumber: string,
    season: number,
  ): Promise<EnrollmentRecord | undefined> {
    const rows: EnrollmentRow[] = await m.query(
      `SELECT ${COLUMNS} FROM enrollment.enrollments WHERE id_number = $1 AND season = $2 AND ${liveEnrolment()}`,
      [idNumber, season],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async findById(
    m: EntityManager | DataSource,
    id: string,
    lock = false,
  ): Promise<EnrollmentRecord | undefined> {
    const rows: EnrollmentRow[] = await m.query(
      `SELECT ${COLUMNS} FROM enrollment.enrollments WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** The latest enrolment of a person for a season, live or not (for the person's view). */
  async findLatest(idNumber: string, season: number): Promise<EnrollmentRecord | undefined> {
    const rows: EnrollmentRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM enrollment.enrollments WHERE id_number = $1 AND season = $2
        ORDER BY (${liveEnrolment()}) DESC, registered_at DESC LIMIT 1`,
      [idNumber, season],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** Live enrolments of the given people and seasons, locked for this transaction. */
  async lockLive(
    m: EntityManager,
    keys: { idNumber: string; season: number }[],
  ): Promise<EnrollmentRecord[]> {
    if (keys.length === 0) return [];
    const rows: EnrollmentRow[] = await m.query(
      `SELECT ${COLUMNS} FROM enrollment.enrollments e
        WHERE (e.id_number, e.season) IN (SELECT * FROM unnest($1::text[], $2::int[])) AND ${liveEnrolment('e')}
        ORDER BY e.id FOR UPDATE`,
      [keys.map((k) => k.idNumber), keys.map((k) => k.season)],
    );
    return rows.map(toRecord);
  }

  /** Live enrolments of a person in other regions, in this or the previous season (transfer-in check). */
  async liveElsewhere(
    m: EntityManager,
    idNumber: string,
    season: number,
    regionCode: string,
  ): Promise<EnrollmentRecord[]> {
    const rows: EnrollmentRow[] = await m.query(
      `SELECT ${COLUMNS} FROM enrollment.enrollments
        WHERE id_number = $1 AND season IN ($2, $2 - 1) AND region_code <> $3 AND ${liveEnrolment()}`,
      [idNumber, season, regionCode],
    );
    return rows.map(toRecord);
  }

  async hasEnrolment(m: EntityManager, idNumbers: string[], season: number): Promise<Set<string>> {
    if (idNumbers.length === 0) return new Set();
    const rows: { id_number: string }[] = await m.query(
      `SELECT DISTINCT id_number FROM enrollment.enrollments WHERE id_number = ANY($1::text[]) AND season = $2`,
      [idNumbers, season],
    );
    return new Set(rows.map((r) => r.id_number));
  }

  /** For live enrolments of these people and seasons: which batch and line registered them, if any. */
  async liveSources(
    m: EntityManager,
    keys: { idNumber: string; season: number }[],
  ): Promise<Map<string, { batchId?: string; batchLine?: number }>> {
    const rows: { id_number: string; season: number; batch_id: string | null; batch_line: number | null }[] =
      await m.query(
        `SELECT id_number, season, details->>'batchId' AS batch_id, (details->>'batchLine')::int AS batch_line FROM enrollment.enrollments
        WHERE (id_number, season) IN (SELECT * FROM unnest($1::text[], $2::int[])) AND ${liveEnrolment()}`,
        [keys.map((k) => k.idNumber), keys.map((k) => k.season)],
      );
    return new Map(
      rows.map((r) => [
        `${r.id_number}:${r.season}`,
        { batchId: r.batch_id ?? undefined, batchLine: r.batch_line ?? undefined },
      ]),
    );
  }

  /** Cancelled enrolments of these people and seasons become REFUNDED; returns their ids. */
  async markRefunded(m: EntityManager, keys: { idNumber: string; season: number }[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const [rows]: [{ id: string }[], number] = await m.query(
      `UPDATE enrollment.enrollments SET status = 'REFUNDED', standing_version = standing_version + 1, updated_at = now()
        WHERE status = 'CANCELLED' AND (id_number, season) IN (SELECT * FROM unnest($1::text[], $2::int[]))
        RETURNING id`,
      [keys.map((k) => k.idNumber), keys.map((k) => k.season)],
    );
    return rows.map((r) => r.id);
  }

  async cancelMany(m: EntityManager, ids: string[], reason: string): Promise<void> {
    if (ids.length === 0) return;
    await m.query(
      `UPDATE enrollment.enrollments SET status = 'CANCELLED', cancel_reason = $2, cancelled_at = $3,
          standing_version = standing_version + 1, paid_in_full_on = NULL, updated_at = now() WHERE id = ANY($1::uuid[])`,
      [ids, reason, this.clock.now()],
    );
  }

  /** Writes the computed state of many enrolments in one statement. */
  async updateStates(
    m: EntityManager,
    rows: Pick<
      EnrollmentRecord,
      | 'id'
      | 'status'
      | 'amountDueFen'
      | 'subsidyFen'
      | 'subsidyCategory'
      | 'subsidyMode'
      | 'subsidyReason'
      | 'paidFen'
      | 'paidAs'
      | 'paymentFlag'
      | 'benefitStart'
      | 'benefitEnd'
      | 'waitingMonths'
      | 'standingVersion'
      | 'paidInFullOn'
    >[],
  ): Promise<void> {
    if (rows.length === 0) return;
    await m.query(
      `UPDATE enrollment.enrollments e SET
          status = u.status, amount_due_fen = u.due, subsidy_fen = u.subsidy, subsidy_category = u.category,
          subsidy_mode = u.mode, subsidy_reason = u.reason, paid_fen = u.paid, paid_as = u.paid_as,
          payment_flag = u.flag, benefit_start = u.bstart, benefit_end = u.bend, waiting_months = u.waiting,
          standing_version = u.version, paid_in_full_on = u.paid_on, updated_at = now()
        FROM unnest($1::uuid[], $2::text[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[], $8::int[],
                    $9::text[], $10::text[], $11::date[], $12::date[], $13::int[], $14::int[], $15::date[])
          AS u(id, status, due, subsidy, category, mode, reason, paid, paid_as, flag, bstart, bend, waiting, version, paid_on)
       WHERE e.id = u.id`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.status),
        rows.map((r) => r.amountDueFen),
        rows.map((r) => r.subsidyFen),
        rows.map((r) => r.subsidyCategory),
        rows.map((r) => r.subsidyMode),
        rows.map((r) => r.subsidyReason),
        rows.map((r) => r.paidFen),
        rows.map((r) => r.paidAs),
        rows.map((r) => r.paymentFlag),
        rows.map((r) => r.benefitStart),
        rows.map((r) => r.benefitEnd),
        rows.map((r) => r.waitingMonths),
        rows.map((r) => r.standingVersion),
        rows.map((r) => r.paidInFullOn),
      ],
    );
  }

  async findByIds(m: EntityManager, ids: string[]): Promise<EnrollmentRecord[]> {
    if (ids.length === 0) return [];
    const rows: EnrollmentRow[] = await m.query(
      `SELECT ${COLUMNS} FROM enrollment.enrollments WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return rows.map(toRecord);
  }

  /** Marks live enrolments of people now insured as employees on `onDate`; returns the ids newly marked. */
  async flagDoubleCover(m: EntityManager, idNumbers: string[], onDate: string): Promise<string[]> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected count].
    const [rows]: [{ id: string }[], number] = await m.query(
      `UPDATE enrollment.enrollments e SET double_cover = true, updated_at = now()
         FROM enrollment.employee_insured w
        WHERE w.id_number = e.id_number AND e.id_number = ANY($1::text[]) AND ${liveEnrolment('e')} AND NOT e.double_cover
          AND (w.insured_from IS NULL OR w.insured_from <= $2::date) AND (w.insured_to IS NULL OR w.insured_to >= $2::date)
       RETURNING e.id`,
      [idNumbers, onDate],
    );
    return rows.map((r) => r.id);
  }

  /** History rows of enrolments, stamped with the service clock. */
  async addHistory(m: EntityManager, entries: HistoryEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await m.query(
      `INSERT INTO enrollment.history (enrollment_id, actor, change, details, at)
       SELECT *, $5::timestamptz FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[])`,
      [
        entries.map((e) => e.enrollmentId),
        entries.map((e) => e.actor),
        entries.map((e) => e.change),
        entries.map((e) => JSON.stringify(e.details)),
        this.clock.now(),
      ],
    );
  }

  /** An enrolment's history, oldest first. */
  async history(enrollmentId: string): Promise<HistoryLine[]> {
    return this.dataSource.query(
      `SELECT at, actor, change, details FROM enrollment.history WHERE enrollment_id = $1 ORDER BY id`,
      [enrollmentId],
    );
  }
}
