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
  persons AS (
    SELECT id_number, season, region_code FROM reporting.fact_registration
     WHERE season = $1 AND ($2::text IS NULL OR region_code = $2) AND registered_at < $3
    UNION
    SELECT id_number, season, region_code FROM reporting.fact_activation
     WHERE season = $1 AND ($2::text IS NULL OR region_code = $2) AND activated_at < $3
    UNION
    SELECT id_number, season, region_code FROM reporting.fact_payment
     WHERE season = $1 AND ($2::text IS NULL OR region_code = $2) AND paid_at < $3
  ),
  person_state AS (
    SELECT p.id_number, p.season, p.region_code,
           COALESCE(reg.township_code, act.township_code, pay.township_code) AS township_code,
           CASE WHEN reg.id_number IS NOT NULL THEN reg.village_code
                WHEN act.id_number IS NOT NULL THEN act.village_code
                ELSE pay.village_code END AS village_code,
           COALESCE(reg.name, pay.name) AS name,
           reg.amount_due_fen AS standard_due_fen,
           reg.id_number IS NOT NULL AS registered,
           money.net_fen, money.proxy_net_fen,
           money.net_fen - money.proxy_net_fen > 0 AS paid,
           money.proxy_net_fen > 0 AS proxy_paid,
           EXISTS (SELECT 1 FROM reporting.fact_activation a
                    WHERE a.id_number = p.id_number AND a.season = p.season AND a.activated_at < $3
                      AND NOT EXISTS (SELECT 1 FROM reporting.fact_cancellation c
                                       WHERE c.enrollment_id = a.enrollment_id AND c.cancelled_at < $3))
             AND money.net_fen > 0 AS active,
           EXISTS (SELECT 1 FROM reporting.fact_cancellation c
                    WHERE c.id_number = p.id_number AND c.season = p.season AND c.cancelled_at < $3) AS cancelled,
           refund.refunded_fen > 0 AS refunded,
           refund.refunded_fen
      FROM persons p
      LEFT JOIN LATERAL (SELECT * FROM reporting.fact_registration r
                          WHERE r.id_number = p.id_number AND r.season = p.season AND r.registered_at < $3
                          ORDER BY r.registered_at, r.enrollment_id LIMIT 1) reg ON true
      LEFT JOIN LATERAL (SELECT * FROM reporting.fact_activation a
                          WHERE a.id_number = p.id_number AND a.season = p.season AND a.activated_at < $3
                          ORDER BY a.activated_at, a.enrollment_id LIMIT 1) act ON true
      LEFT JOIN LATERAL (SELECT * FROM reporting.fact_payment x
                          WHERE x.id_number = p.id_number AND x.season = p.season AND x.paid_at < $3
                          ORDER BY x.paid_at, x.voucher_no LIMIT 1) pay ON true
      CROSS JOIN LATERAL (
        SELECT COALESCE(sum(m.amount_fen), 0)::bigint AS net_fen,
               COALESCE(sum(m.amount_fen) FILTER (WHERE m.channel = 'PROXY'), 0)::bigint AS proxy_net_fen
          FROM (SELECT x.amount_fen, x.channel FROM reporting.fact_payment x
                 WHERE x.id_number = p.id_number AND x.season = p.season AND x.paid_at < $3
                UNION ALL
                SELECT v.amount_fen, o.channel FROM reporting.fact_reversal v
                  LEFT JOIN reporting.fact_payment o ON o.voucher_no = v.original_voucher_no
                 WHERE v.id_number = p.id_number AND v.season = p.season AND v.reversed_at < $3) m) money
      CROSS JOIN LATERAL (
        SELECT COALESCE(sum(f.amount_fen), 0)::bigint AS refunded_fen FROM reporting.fact_refund f
         WHERE f.id_number = p.id_number AND f.season = p.season AND f.paid_at < $3) refund
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
