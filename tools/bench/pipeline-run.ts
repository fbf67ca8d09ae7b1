// One daily feed of renewals that just pay, through the five services: the generated file, the
// POST, the wait until every consumer group has no lag and the projections hold every payer, and
// the figures of every projection. Shared by the pipeline benchmark (tools/bench/pipeline-bench.ts)
// and its 20,000-row correctness test (e2e/system/test/pipeline-20k.e2e-spec.ts).
import { createReadStream, createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { Admin, AssignerProtocol } from 'kafkajs';
import { Client } from 'pg';
import { SERVICE_NAMES } from '@urrbmi/contracts';
import { benchPersonId } from './bench-support';

export const FEED_COLUMNS =
  'voucher_no,kind,original_voucher_no,id_number,name,region_code,township_code,village_code,season,amount_fen,channel,paid_at';
/** Every renewal pays Shandan's 2023 individual contribution. */
export const RENEWAL_FEN = 38000;
/** The feed's date; the services' clock starts the next morning (CLOCK_START below). */
export const FEED_DATE = '2023-10-16';
export const PIPELINE_CLOCK_START = '2023-10-17T09:00:00+08:00';

/** Writes a feed of `rows` renewal payments (people nobody registered) to `file`; returns its total. */
export async function writeRenewalFeed(file: string, rows: number): Promise<number> {
  const out = createWriteStream(file);
  out.write(`${FEED_COLUMNS}\n`);
  let total = 0;
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    total += RENEWAL_FEN;
    chunk += `P${String(i).padStart(9, '0')},PAYMENT,,${benchPersonId(i)},居民${i % 1000},620725,6207251${String(i % 11).padStart(2, '0')},,2023,${RENEWAL_FEN},WECHAT,${FEED_DATE}T10:00:00+08:00\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise<void>((r) => out.end(() => r()));
  return total;
}

/** POSTs the feed file to the tax feed service (key: a `tax` role); throws unless it is accepted. */
export async function postFeed(
  feedUrl: string,
  key: string,
  file: string,
  rows: number,
  totalFen: number,
): Promise<void> {
  const r = await fetch(`${feedUrl}/v1/feeds`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'text/csv',
      'x-feed-date': FEED_DATE,
      'x-region-code': '620725',
      'x-record-count': String(rows),
      'x-total-amount-fen': String(totalFen),
    },
    body: Readable.toWeb(createReadStream(file)) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  if (r.status >= 300) throw new Error(`POST /v1/feeds: ${r.status} ${await r.text()}`);
}

/**
 * Sum over every consumer group of the deployment (`<prefix><service>`, for `services`) of (end
 * offset − committed offset), over the topics each group subscribes to (read from its members'
 * metadata): a topic a group does not read has no committed offset and is not lag. A group with no
 * member yet (its service has not joined) is infinitely behind.
 */
export async function totalLag(
  admin: Admin,
  prefix: string,
  services: readonly string[] = SERVICE_NAMES,
): Promise<number> {
  const groupIds = services.map((s) => `${prefix}${s}`);
  const { groups } = await admin.describeGroups(groupIds);
  let lag = 0;
  for (const group of groups) {
    const topics = new Set<string>();
    for (const m of group.members)
      for (const t of AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.topics ?? []) topics.add(t);
    if (topics.size === 0) return Number.POSITIVE_INFINITY;
    const committed = await admin.fetchOffsets({ groupId: group.groupId, topics: [...topics] });
    for (const t of committed) {
      const ends = await admin.fetchTopicOffsets(t.topic);
      for (const p of t.partitions) {
        const end = Number(ends.find((e) => e.partition === p.partition)?.high ?? 0);
        lag += end - Math.max(0, Number(p.offset));
      }
    }
  }
  return lag;
}

/** What every service's tables hold after the feed: counts and sums (fen, as numbers). */
export async function projectionFigures(db: Client): Promise<Record<string, number>> {
  const { rows } = await db.query(`SELECT
    (SELECT count(*) FROM tax_feed.payments)                                  AS tax_ledger_rows,
    (SELECT coalesce(sum(amount_fen), 0) FROM tax_feed.payments)              AS tax_ledger_fen,
    (SELECT count(*) FROM tax_feed.roster WHERE status = 'ACTIVE')            AS tax_roster_active,
    (SELECT count(*) FROM enrollment.enrollments WHERE status = 'ACTIVE')     AS enrollment_active,
    (SELECT coalesce(sum(paid_fen), 0) FROM enrollment.enrollments)           AS enrollment_paid_fen,
    (SELECT count(*) FROM enrollment.payments)                                AS enrollment_payments,
    (SELECT coalesce(sum(amount_fen), 0) FROM enrollment.payments)            AS enrollment_payments_fen,
    (SELECT count(*) FROM subsidy.enrolments WHERE paid_in_full_on IS NOT NULL) AS subsidy_paid_in_full,
    (SELECT count(*) FROM refund.payments)                                    AS refund_payments,
    (SELECT coalesce(sum(amount_fen), 0) FROM refund.payments)                AS refund_payments_fen,
    (SELECT count(*) FROM refund.enrolments)                                  AS refund_enrolments,
    (SELECT count(*) FROM reporting.fact_registration)                        AS reporting_registrations,
    (SELECT count(*) FROM reporting.fact_activation)                          AS reporting_activations,
    (SELECT count(*) FROM reporting.fact_payment)                             AS reporting_payments,
    (SELECT coalesce(sum(amount_fen), 0) FROM reporting.fact_payment)         AS reporting_payments_fen,
    (SELECT count(*) FROM reporting.fact_assessment)                          AS reporting_assessments,
    (SELECT count(*) FROM reporting.fact_feed)                                AS reporting_feeds`);
  return Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)]));
}

/**
 * Waits until no consumer group lags and the enrolment and the tax roster hold every payer, three
 * checks in a row half a second apart; returns the figures of the last check.
 */
export async function waitUntilApplied(
  db: Client,
  admin: Admin,
  prefix: string,
  rows: number,
  timeoutMs: number,
): Promise<Record<string, number>> {
  const started = Date.now();
  let steady = 0;
  let last: Record<string, number> = {};
  while (steady < 3) {
    await new Promise((res) => setTimeout(res, 500));
    // The figures count whole tables: read them only once nothing lags, so the watching does not
    // compete with the consumers for the database.
    const lag = await totalLag(admin, prefix);
    last = lag === 0 ? { lag, ...(await projectionFigures(db)) } : { lag };
    const done = lag === 0 && last.enrollment_active === rows && last.tax_roster_active === rows;
    steady = done ? steady + 1 : 0;
    if (Date.now() - started > timeoutMs)
      throw new Error(`not applied after ${timeoutMs} ms: ${JSON.stringify(last)}`);
  }
  return last;
}
