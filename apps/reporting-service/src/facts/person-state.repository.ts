import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * The state of every person of a season (and optionally one region) as of an instant, derived from
 * the fact tables; shared by the read repositories (SQL only ever runs from `*.repository.ts`).
 * Parameters: $1 season, $2 region code or NULL, $3 the instant (`infinity` for "now").
 *
 * - area: the registration's (the earliest), else the activation's, else the first payment's;
 * - paid: net non-proxy payments (payments minus their reversals) > 0; proxyPaid: net PROXY > 0;
 * - active: an activation whose enrolment is not cancelled, with net payments > 0 (a full reversal
 *   undoes it);
 * - refunded: a refund was paid.
 * Every part is a function of the facts alone, so the order they arrived in never matters.
 */
export const PERSON_STATE_SQL = `
  reg AS (
    SELECT DISTINCT ON (id_number) id_number, region_code, township_code, village_code, name, amount_due_fen
      FROM reporting.fact_registration
     WHERE season = $1 AND ($2::text IS NULL OR region_code = $2) AND registered_at < $3
     ORDER BY id_number, registered_at, enrollment_id
  ),
  act AS (
    SELECT a.id_number,
           (array_agg(a.region_code ORDER BY a.activated_at, a.enrollment_id))[1] AS region_code,
           (array_agg(a.township_code ORDER BY a.activated_at, a.enrollment_id))[1] AS township_code,
           (array_agg(a.village_code ORDER BY a.activated_at, a.enrollment_id))[1] AS village_code,
           bool_or(c.enrollment_id IS NULL) AS live
      FROM reporting.fact_activation a
      LEFT JOIN reporting.fact_cancellation c ON c.enrollment_id = a.enrollment_id AND c.cancelled_at < $3
     WHERE a.season = $1 AND ($2::text IS NULL OR a.region_code = $2) AND a.activated_at < $3
     GROUP BY a.id_number
  ),
  pay AS (
    SELECT id_number,
           (array_agg(region_code ORDER BY paid_at, voucher_no))[1] AS region_code,
           (array_agg(township_code ORDER BY paid_at, voucher_no))[1] AS township_code,
           (array_agg(village_code ORDER BY paid_at, voucher_no))[1] AS village_code,
           (array_agg(name ORDER BY paid_at, voucher_no))[1] AS name,
           sum(amount_fen) AS paid_fen,
           COALESCE(sum(amount_fen) FILTER (WHERE channel = 'PROXY'), 0) AS proxy_fen
      FROM reporting.fact_payment
     WHERE season = $1 AND ($2::text IS NULL OR region_code = $2) AND paid_at < $3
     GROUP BY id_number
  ),
  rev AS (
    SELECT v.id_number, sum(v.amount_fen) AS reversed_fen,
           COALESCE(sum(v.amount_fen) FILTER (WHERE o.channel = 'PROXY'), 0) AS proxy_reversed_fen
      FROM reporting.fact_reversal v
      LEFT JOIN reporting.fact_payment o ON o.voucher_no = v.original_voucher_no
     WHERE v.season = $1 AND ($2::text IS NULL OR v.region_code = $2) AND v.reversed_at < $3
     GROUP BY v.id_number
  ),
  cancel AS (
    SELECT DISTINCT id_number FROM reporting.fact_cancellation
     WHERE season = $1 AND ($2::text IS NULL OR region_code = $2) AND cancelled_at < $3
  ),
  refund AS (
    SELECT id_number, sum(amount_fen) AS refunded_fen FROM reporting.fact_refund
     WHERE season = $1 AND ($2::text IS NULL OR region_code = $2) AND paid_at < $3
     GROUP BY id_number
  ),
  persons AS (
    SELECT id_number FROM reg UNION SELECT id_number FROM act UNION SELECT id_number FROM pay
  ),
  person_state AS (
    SELECT p.id_number, $1::int AS season,
           COALESCE(reg.region_code, act.region_code, pay.region_code) AS region_code,
           COALESCE(reg.township_code, act.township_code, pay.township_code) AS township_code,
           CASE WHEN reg.id_number IS NOT NULL THEN reg.village_code
                WHEN act.id_number IS NOT NULL THEN act.village_code
                ELSE pay.village_code END AS village_code,
           COALESCE(reg.name, pay.name) AS name,
           reg.amount_due_fen AS standard_due_fen,
           reg.id_number IS NOT NULL AS registered,
           m.net_fen, m.proxy_net_fen,
           m.net_fen - m.proxy_net_fen > 0 AS paid,
           m.proxy_net_fen > 0 AS proxy_paid,
           COALESCE(act.live, false) AND m.net_fen > 0 AS active,
           cancel.id_number IS NOT NULL AS cancelled,
           COALESCE(refund.refunded_fen, 0) > 0 AS refunded,
           COALESCE(refund.refunded_fen, 0) AS refunded_fen
      FROM persons p
      LEFT JOIN reg ON reg.id_number = p.id_number
      LEFT JOIN act ON act.id_number = p.id_number
      LEFT JOIN pay ON pay.id_number = p.id_number
      LEFT JOIN rev ON rev.id_number = p.id_number
      LEFT JOIN cancel ON cancel.id_number = p.id_number
      LEFT JOIN refund ON refund.id_number = p.id_number
      CROSS JOIN LATERAL (
        SELECT COALESCE(pay.paid_fen, 0) + COALESCE(rev.reversed_fen, 0) AS net_fen,
               COALESCE(pay.proxy_fen, 0) + COALESCE(rev.proxy_reversed_fen, 0) AS proxy_net_fen) m
  )`;

export type UnitLevel = 'COUNTY' | 'TOWNSHIP' | 'VILLAGE';

export interface UnitCounts {
  regionCode: string;
  level: UnitLevel;
  unitCode: string;
  registered: number;
  paid: number;
  proxyPaid: number;
  active: number;
  cancelled: number;
  refunded: number;
  refundedFen: number;
  collectedFen: number;
}

export interface UnpaidPerson {
  idNumber: string;
  name: string;
  townshipCode: string | null;
  villageCode: string | null;
  amountDueFen: number;
  paidFen: number;
  subsidyCategory: string | null;
}

export interface HardshipPerson {
  idNumber: string;
  townshipCode: string | null;
  villageCode: string | null;
  category: string;
  mode: string | null;
  enrolled: boolean;
}

type Num = number | string;

/** Counts and lists derived from the per-person state (see PERSON_STATE_SQL). */
@Injectable()
export class PersonStateRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Counts per county, township and village as of `asOf` (an ISO instant, or 'infinity'). */
  async unitCounts(season: number, regionCode: string | null, asOf: string): Promise<UnitCounts[]> {
    const rows: {
      region_code: string;
      township_code: string | null;
      village_code: string | null;
      g_t: number;
      g_v: number;
      registered: Num;
      paid: Num;
      proxy_paid: Num;
      active: Num;
      cancelled: Num;
      refunded: Num;
      refunded_fen: Num;
      collected_fen: Num;
    }[] = await this.dataSource.query(
      `WITH ${PERSON_STATE_SQL}
       SELECT region_code, township_code, village_code,
              GROUPING(township_code) AS g_t, GROUPING(village_code) AS g_v,
              count(*) FILTER (WHERE registered) AS registered, count(*) FILTER (WHERE paid) AS paid,
              count(*) FILTER (WHERE proxy_paid) AS proxy_paid, count(*) FILTER (WHERE active) AS active,
              count(*) FILTER (WHERE cancelled) AS cancelled, count(*) FILTER (WHERE refunded) AS refunded,
              COALESCE(sum(refunded_fen), 0) AS refunded_fen, COALESCE(sum(net_fen), 0) AS collected_fen
         FROM person_state
        GROUP BY GROUPING SETS ((region_code), (region_code, township_code), (region_code, township_code, village_code))`,
      [season, regionCode, asOf],
    );
    return rows
      .filter((r) => (r.g_t === 0 ? r.township_code !== null : true))
      .filter((r) => (r.g_v === 0 ? r.village_code !== null : true))
      .map((r) => {
        const level: UnitLevel = r.g_t === 1 ? 'COUNTY' : r.g_v === 1 ? 'TOWNSHIP' : 'VILLAGE';
        return {
          regionCode: r.region_code,
          level,
          unitCode:
            level === 'COUNTY' ? r.region_code : level === 'TOWNSHIP' ? r.township_code! : r.village_code!,
          registered: Number(r.registered),
          paid: Number(r.paid),
          proxyPaid: Number(r.proxy_paid),
          active: Number(r.active),
          cancelled: Number(r.cancelled),
          refunded: Number(r.refunded),
          refundedFen: Number(r.refunded_fen),
          collectedFen: Number(r.collected_fen),
        };
      });
  }

  /**
   * People enrolled and paid (active, as in PERSON_STATE_SQL) per township and village at each of
   * several instants, in one pass: each person's state only changes at their own events, so the
   * events are put in the interval they fall in, each person's state is carried forward, and only
   * the changes are counted. `asOf` must be ascending. Returns, per instant, unit → count.
   */
  async activeAt(season: number, regionCode: string, asOf: string[]): Promise<Map<string, number>[]> {
    const rows: { b: number; township_code: string | null; village_code: string | null; d: Num }[] =
      await this.dataSource.query(
        `WITH reg AS (
           SELECT DISTINCT ON (id_number) id_number, township_code, village_code FROM reporting.fact_registration
            WHERE season = $1 AND region_code = $2 ORDER BY id_number, registered_at, enrollment_id),
         act1 AS (
           SELECT DISTINCT ON (id_number) id_number, township_code, village_code FROM reporting.fact_activation
            WHERE season = $1 AND region_code = $2 ORDER BY id_number, activated_at, enrollment_id),
         pay1 AS (
           SELECT DISTINCT ON (id_number) id_number, township_code, village_code FROM reporting.fact_payment
            WHERE season = $1 AND region_code = $2 ORDER BY id_number, paid_at, voucher_no),
         enrolment AS (
           SELECT id_number, enrollment_id, min(activated_at) AS live_from FROM reporting.fact_activation
            WHERE season = $1 AND region_code = $2 GROUP BY id_number, enrollment_id),
         ev AS (
           SELECT id_number, live_from AS t, 1 AS dlive, 0::bigint AS dnet FROM enrolment
           UNION ALL
           SELECT e.id_number, greatest(c.cancelled_at, e.live_from), -1, 0 FROM enrolment e
             JOIN reporting.fact_cancellation c ON c.enrollment_id = e.enrollment_id
           UNION ALL
           SELECT id_number, paid_at, 0, amount_fen FROM reporting.fact_payment WHERE season = $1 AND region_code = $2
           UNION ALL
           SELECT id_number, reversed_at, 0, amount_fen FROM reporting.fact_reversal WHERE season = $1 AND region_code = $2),
         per_interval AS (
           SELECT id_number, width_bucket(t, $3::timestamptz[]) AS b, sum(dlive) AS dl, sum(dnet) AS dn
             FROM ev GROUP BY 1, 2),
         running AS (
           SELECT id_number, b,
                  (sum(dl) OVER w > 0 AND sum(dn) OVER w > 0)::int AS active
             FROM per_interval WHERE b < cardinality($3::timestamptz[])
           WINDOW w AS (PARTITION BY id_number ORDER BY b)),
         changes AS (
           SELECT id_number, b, active - COALESCE(lag(active) OVER (PARTITION BY id_number ORDER BY b), 0) AS d
             FROM running)
         SELECT c.b, COALESCE(reg.township_code, act1.township_code, pay1.township_code) AS township_code,
                CASE WHEN reg.id_number IS NOT NULL THEN reg.village_code
                     WHEN act1.id_number IS NOT NULL THEN act1.village_code
                     ELSE pay1.village_code END AS village_code,
                sum(c.d) AS d
           FROM changes c
           LEFT JOIN reg ON reg.id_number = c.id_number
           LEFT JOIN act1 ON act1.id_number = c.id_number
           LEFT JOIN pay1 ON pay1.id_number = c.id_number
          WHERE c.d <> 0
          GROUP BY 1, 2, 3`,
        [season, regionCode, asOf],
      );
    const byInterval = asOf.map(() => new Map<string, number>());
    for (const r of rows) {
      for (const unit of [r.township_code, r.village_code]) {
        if (!unit) continue;
        // A change in interval b holds at every instant from b on.
        for (let i = r.b; i < asOf.length; i++)
          byInterval[i].set(unit, (byInterval[i].get(unit) ?? 0) + Number(r.d));
      }
    }
    return byInterval;
  }

  /** Shanghai date of the first registration or payment of a county-season (weeks start there when the policy sets no start). */
  async firstActivity(season: number, regionCode: string): Promise<string | null> {
    const [r]: { d: string | null }[] = await this.dataSource.query(
      `SELECT to_char(min(t AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM-DD') AS d FROM (
         SELECT registered_at AS t FROM reporting.fact_registration WHERE season = $1 AND region_code = $2
         UNION ALL SELECT paid_at FROM reporting.fact_payment WHERE season = $1 AND region_code = $2) x`,
      [season, regionCode],
    );
    return r?.d ?? null;
  }

  /** 精准催缴: registered, not cancelled, not active — whom the village still has to chase. */
  async unpaid(season: number, regionCode: string, townshipCode: string | null, villageCode: string | null) {
    const rows: {
      id_number: string;
      name: string;
      township_code: string | null;
      village_code: string | null;
      amount_due_fen: Num;
      net_fen: Num;
      category: string | null;
    }[] = await this.dataSource.query(
      `WITH ${PERSON_STATE_SQL}
       SELECT s.id_number, s.name, s.township_code, s.village_code,
              COALESCE(a.amount_due_fen, s.standard_due_fen) AS amount_due_fen, s.net_fen, a.category
         FROM person_state s
         LEFT JOIN reporting.fact_assessment a ON a.id_number = s.id_number AND a.season = s.season
        WHERE s.registered AND NOT s.active AND NOT s.cancelled
          AND ($4::text IS NULL OR s.township_code = $4) AND ($5::text IS NULL OR s.village_code = $5)
        ORDER BY s.township_code NULLS LAST, s.village_code NULLS LAST, s.id_number`,
      [season, regionCode, 'infinity', townshipCode, villageCode],
    );
    return rows.map((r): UnpaidPerson => ({
      idNumber: r.id_number,
      name: r.name,
      townshipCode: r.township_code,
      villageCode: r.village_code,
      amountDueFen: Number(r.amount_due_fen),
      paidFen: Number(r.net_fen),
      subsidyCategory: r.category,
    }));
  }

  /**
   * Hardship groups (资助对象: assessed with a category): enrolled or not, with where they live as
   * far as a registration or payment tells; the not-enrolled ones need a recorded reason (台账).
   */
  async hardship(season: number, regionCode: string): Promise<HardshipPerson[]> {
    const rows: {
      id_number: string;
      township_code: string | null;
      village_code: string | null;
      category: string;
      mode: string | null;
      active: boolean | null;
    }[] = await this.dataSource.query(
      `WITH ${PERSON_STATE_SQL}
       SELECT a.id_number, s.township_code, s.village_code, a.category, a.mode, s.active
         FROM reporting.fact_assessment a
         LEFT JOIN person_state s ON s.id_number = a.id_number AND s.season = a.season
        WHERE a.season = $1 AND a.region_code = $2 AND a.category IS NOT NULL
        ORDER BY a.id_number`,
      [season, regionCode, 'infinity'],
    );
    return rows.map((r) => ({
      idNumber: r.id_number,
      townshipCode: r.township_code,
      villageCode: r.village_code,
      category: r.category,
      mode: r.mode,
      enrolled: r.active === true,
    }));
  }
}
