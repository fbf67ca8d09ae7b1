import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventEnvelope } from '@urrbmi/contracts';
import { KEY_LOCK_BUCKETS, outboxChannel } from '@urrbmi/messaging';
import { runPrepared } from '@urrbmi/persistence';
import { liveEnrolment, NewEnrollment } from '../standing/enrollment.repository';

/** What the one registering statement found and did. */
export interface RegistrationOutcome {
  employeeInsured: boolean;
  /** A live enrolment in another region (checked for transfers in only), when there is one. */
  elsewhere?: { id: string; regionCode: string; season: number; townshipCode: string | null };
  inserted: boolean;
}

/** The registering statement (see RegistrationRepository), prepared once per pooled connection. */
const REGISTER_SQL = `WITH key_lock AS (
     SELECT count(pg_advisory_xact_lock(hashtext('enrollment'), abs(hashtext($17::text) % $18::int))) AS n
   ),
   cover AS (
     SELECT EXISTS (SELECT 1 FROM enrollment.employee_insured WHERE id_number = $2
               AND (insured_from IS NULL OR insured_from <= $15::date) AND (insured_to IS NULL OR insured_to >= $15::date)) AS employee
   ),
   elsewhere AS (
     SELECT id, region_code, season, township_code FROM enrollment.enrollments
      WHERE $16::boolean AND id_number = $2 AND season IN ($4, $4 - 1) AND region_code <> $5
        AND ${liveEnrolment()}
      LIMIT 1
   ),
   ins AS (
     INSERT INTO enrollment.enrollments
       (id, id_number, name, season, region_code, township_code, village_code, kind, policy_id, details,
        standard_fen, amount_due_fen, registered_by, registered_at)
     SELECT $1::uuid, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $11, $12, $13::timestamptz
      WHERE NOT (SELECT employee FROM cover) AND NOT EXISTS (SELECT 1 FROM elsewhere)
     ON CONFLICT (id_number, season) WHERE ${liveEnrolment()} DO NOTHING
     RETURNING id
   ),
   hist AS (
     INSERT INTO enrollment.history (enrollment_id, actor, change, details, at)
     SELECT id, $12, 'REGISTERED', $14::jsonb, $13::timestamptz FROM ins
   ),
   published AS (
     INSERT INTO enrollment.outbox (event_id, topic, event_key, event_type, envelope)
     SELECT $19::uuid, $20, $17, $21, $22::jsonb FROM ins, key_lock
     RETURNING id
   )
   SELECT (SELECT employee FROM cover) AS employee_insured,
          e.id AS elsewhere_id, e.region_code AS elsewhere_region, e.season AS elsewhere_season,
          e.township_code AS elsewhere_township,
          (SELECT count(*) FROM ins)::int AS inserted
     FROM (SELECT 1) one LEFT JOIN elsewhere e ON true`;

/**
 * One registration (参保登记) in one statement, so one round trip: the double-cover and
 * transfer-in checks, the enrolment (the partial unique index still decides between concurrent
 * registrations of one person), its history row and its `enrollment.registered` outbox row, written
 * only when the enrolment is. The statement is its own transaction. The outbox row is written as
 * OutboxWriter.publish writes it: after the per-key advisory lock (the row's id is drawn only once
 * the lock is held, so outbox ids follow commit order per key). The relay is woken after the commit
 * (`notifyRelay`), not by a NOTIFY inside it: Postgres serialises the commits of every transaction
 * that notifies on one database-wide lock held through the WAL flush, which capped registrations at
 * one commit at a time.
 */
@Injectable()
export class RegistrationRepository {
  constructor(private readonly dataSource: DataSource) {}

  async register(
    row: NewEnrollment & { registeredAt: string },
    historyDetails: object,
    event: EventEnvelope<object>,
    today: string,
    checkElsewhere: boolean,
  ): Promise<RegistrationOutcome> {
    const [r]: {
      employee_insured: boolean;
      elsewhere_id: string | null;
      elsewhere_region: string | null;
      elsewhere_season: number | null;
      elsewhere_township: string | null;
      inserted: number;
    }[] = await runPrepared(this.dataSource, 'enrollment.register', REGISTER_SQL, [
      row.id,
      row.idNumber,
      row.name,
      row.season,
      row.regionCode,
      row.townshipCode,
      row.villageCode,
      row.kind,
      row.policyId,
      JSON.stringify(row.facts),
      row.standardFen,
      row.registeredBy,
      row.registeredAt,
      JSON.stringify(historyDetails),
      today,
      checkElsewhere,
      event.key,
      KEY_LOCK_BUCKETS,
      event.eventId,
      event.type,
      `${event.type}@${event.version}`,
      JSON.stringify(event),
    ]);
    return {
      employeeInsured: r.employee_insured,
      elsewhere: r.elsewhere_id
        ? {
            id: r.elsewhere_id,
            regionCode: r.elsewhere_region!,
            season: r.elsewhere_season!,
            townshipCode: r.elsewhere_township,
          }
        : undefined,
      inserted: r.inserted === 1,
    };
  }

  /** Wakes the outbox relay (LISTEN on the schema's channel), outside any transaction. */
  async notifyRelay(pending: number): Promise<void> {
    await this.dataSource.query('SELECT pg_notify($1, $2)', [outboxChannel('enrollment'), String(pending)]);
  }
}
