// The day-by-day driver: for each collection day the services' clocks are moved to that day, the
// day's registrations, rosters and jobs are done, and the previous day's tax feed is pushed.
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MultiBar, SingleBar } from 'cli-progress';
import { addDays } from '@urrbmi/domain';
import { SeasonLedger } from './ledger';
import { Identity, Person, ROSTER_SOURCES, SeasonPlan } from './population';
import { Random } from './random';
import { SeasonSystem, writeCsv } from './system';

const FEED_HEADER = [
  'voucher_no',
  'kind',
  'original_voucher_no',
  'id_number',
  'name',
  'region_code',
  'township_code',
  'village_code',
  'season',
  'amount_fen',
  'channel',
  'paid_at',
];
const BATCH_HEADER = [
  'id_number',
  'name',
  'season',
  'region_code',
  'township_code',
  'village_code',
  'kind',
  'school',
];
const ROSTER_HEADER = ['id_number', 'name', 'category', 'certified_region_code', 'valid_from', 'valid_to'];

interface FeedRow {
  voucher: string;
  kind: 'PAYMENT' | 'REVERSAL';
  original?: string;
  person: Person;
  amountFen: number;
  channel: string;
  paidAt: string;
}

interface RunContext {
  system: SeasonSystem;
  plan: SeasonPlan;
  ledger: SeasonLedger;
  dir: string;
  bars?: MultiBar;
  log: (line: string) => void;
  lateWaitSeconds: number;
  seed: number;
}

/** Runs the season; returns the final weekly bulletin as text. */
export async function runSeason(ctx: RunContext): Promise<string> {
  const { system, plan, ledger } = ctx;
  const N = plan.days.length;
  const rnd = new Random(ctx.seed * 7919 + 17);
  const feeds = feedRows(plan, ctx.seed, rnd, ledger);
  const vouchers = new Map<string, string[]>();
  for (const day of feeds)
    for (const r of day)
      if (r.kind === 'PAYMENT')
        vouchers.set(r.person.idNumber, [...(vouchers.get(r.person.idNumber) ?? []), r.voucher]);
  ledger.payers = plan.people.filter((p) => p.payDay !== null).length;
  ledger.deceased = plan.people.filter((p) => p.died).length;
  ledger.transfersExpectedFen = plan.people.reduce((s, p) => s + (p.certifiedLater?.amountFen ?? 0), 0);
  const eventsBefore = await system.topicEnds();
  const refunded = new Set<string>();
  let ranking: WeeklyRanking | undefined;
  const bar: SingleBar | undefined = ctx.bars?.create(N + 1, 0, { task: 'season days', info: '' });

  for (let d = 0; d <= N; d++) {
    const date = d < N ? plan.days[d] : addDays(plan.days[N - 1], 1);
    await system.moveClock(`${date}T09:00:00+08:00`);
    const heldLate = d > 0 && d - 1 === plan.lateDay;
    if (d > 0 && !heldLate) await pushDay(ctx, d - 1, feeds[d - 1]);
    if (d === 0) {
      for (const source of ROSTER_SOURCES) await roster(ctx, source, date, (p) => p.identities);
      await batch(ctx, 'renewals', (p) => p.route === 'RENEWAL_BATCH', 'RENEWAL');
      ledger.assessedSubsidyFen = plan.people.reduce((s, p) => s + (p.subsidy?.amountFen ?? 0), 0);
      await system.quiet(); // assessments reach enrollment before anyone pays
    }
    if (d < N) {
      await registerSingles(
        ctx,
        plan.people.filter((p) => p.route === 'NEW' && p.registerDay === d),
      );
      if (d === plan.schoolDay) await batch(ctx, 'school', (p) => p.route === 'SCHOOL_BATCH', 'STUDENT');
      if (d === plan.newbornDay) await batch(ctx, 'newborns', (p) => p.route === 'NEWBORN_BATCH', 'NEWBORN');
    }
    if (d > 0 && date.endsWith('-01')) await monthEnd(ctx, date);
    if (d === plan.updateDay)
      for (const source of ROSTER_SOURCES)
        await roster(ctx, source, date, (p) => [
          ...p.identities,
          ...(p.certifiedLater ? [p.certifiedLater] : []),
        ]);
    if (d === plan.proxyDay) await proxyList(ctx);
    if (plan.refundDays.includes(d)) {
      await system.quiet();
      await refundRound(ctx, d, vouchers, refunded);
    }
    if (new Date(`${date}T12:00:00+08:00`).getUTCDay() === 1 || d === N) {
      ranking = await weeklyRanking(ctx).catch(() => ranking);
      if (ranking) ledger.rankingsRead++;
    }
    if (heldLate) await lateFeed(ctx, d - 1, date, feeds[d - 1]);
    bar?.increment(1, {
      info: `${date}  feeds ${ledger.feeds}, rows ${ledger.feedRows}, refunds ${ledger.refunds}`,
    });
  }
  await system.quiet();
  ranking = await weeklyRanking(ctx);
  ledger.events = (await system.topicEnds()) - eventsBefore;
  return bulletinText(plan, ranking, ctx.seed);
}

interface WeeklyRanking {
  week: { from: string; to: string };
  level: string;
  rows: {
    rank: number;
    unitCode: string;
    unitName: string;
    quota: number;
    active: number;
    completionRate: number;
    movement: number | null;
    behind: boolean;
  }[];
}

/** This week's ranking of the region's townships, as reporting publishes it. */
function weeklyRanking({ system, plan }: RunContext): Promise<WeeklyRanking> {
  return system
    .as('reporting-service', 'ops')
    .call<WeeklyRanking>('GET /v1/rankings/weekly', (c) =>
      c.GET('/v1/rankings/weekly', { params: { query: { season: plan.season, region: plan.regionCode } } }),
    );
}

function bulletinText(plan: SeasonPlan, r: WeeklyRanking, seed: number): string {
  const pct = (part: number, whole: number) => `${whole > 0 ? ((part / whole) * 100).toFixed(2) : '0.00'}%`;
  const lines = [
    `Weekly bulletin (周通报) ${plan.regionCode} season ${plan.season}, week ${r.week.from} .. ${r.week.to}, ` +
      `ranked by ${r.level.toLowerCase()} (seed ${seed}, scale ${plan.scale})`,
    `  rank  unit                              quota   active  completion  of quota×scale  move  behind`,
  ];
  for (const row of r.rows)
    lines.push(
      `  ${String(row.rank).padStart(4)}  ${`${row.unitName} ${row.unitCode}`.padEnd(30)} ${String(row.quota).padStart(7)} ` +
        `${String(row.active).padStart(8)}  ${pct(row.active, row.quota).padStart(10)}  ${pct(row.active, row.quota * plan.scale).padStart(14)}  ` +
        `${row.movement === null ? '-' : String(row.movement)}`.padEnd(4) +
        `  ${row.behind ? 'yes' : ''}`,
    );
  const quota = r.rows.reduce((s, x) => s + x.quota, 0);
  const active = r.rows.reduce((s, x) => s + x.active, 0);
  lines.push(
    `        ${'county'.padEnd(30)} ${String(quota).padStart(7)} ${String(active).padStart(8)}  ${pct(active, quota).padStart(10)}  ${pct(active, quota * plan.scale).padStart(14)}`,
  );
  return lines.join('\n');
}

/** Every feed row of the season, per day: payments on the curve, duplicates, reversals and repayments. */
function feedRows(plan: SeasonPlan, seed: number, rnd: Random, ledger: SeasonLedger): FeedRow[][] {
  const N = plan.days.length;
  const days: FeedRow[][] = plan.days.map(() => []);
  let serial = 0;
  const voucher = (d: number) =>
    `SIM${seed}-${plan.days[d].replace(/-/g, '')}-${String(++serial).padStart(7, '0')}`;
  const at = (d: number) =>
    `${plan.days[d]}T${String(rnd.int(8, 21)).padStart(2, '0')}:${String(rnd.int(0, 59)).padStart(2, '0')}:00+08:00`;
  const pay = (p: Person, d: number) => {
    const row: FeedRow = {
      voucher: voucher(d),
      kind: 'PAYMENT',
      person: p,
      amountFen: p.dueFen,
      channel: p.channel,
      paidAt: at(d),
    };
    days[d].push(row);
    if (p.channel === 'PROXY') ledger.proxyPaymentsFen += p.dueFen;
    else ledger.residentPaymentsFen += p.dueFen;
    return row;
  };
  for (const p of plan.people) {
    if (p.payDay === null) continue;
    const first = pay(p, p.payDay);
    if (p.duplicate) pay(p, p.payDay);
    if (p.reversed) {
      const rd = Math.min(p.payDay + 1, N - 1);
      days[rd].push({
        voucher: voucher(rd),
        kind: 'REVERSAL',
        original: first.voucher,
        person: p,
        amountFen: -p.dueFen,
        channel: p.channel,
        paidAt: `${plan.days[rd]}T08:30:00+08:00`,
      });
      ledger.reversalsFen += p.dueFen;
      pay(p, Math.min(p.payDay + 3, N - 1));
    }
  }
  for (const day of days)
    day.sort((a, b) => a.paidAt.localeCompare(b.paidAt) || a.voucher.localeCompare(b.voucher));
  // A reversal after its payment in the same file.
  for (const day of days) day.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'PAYMENT' ? -1 : 1));
  return days;
}

function feedCsv(plan: SeasonPlan, rows: FeedRow[], broken = new Set<FeedRow>()): (string | number)[][] {
  return rows.map((r) => [
    r.voucher,
    r.kind,
    r.original ?? '',
    broken.has(r)
      ? r.person.idNumber.slice(0, 17) + (r.person.idNumber[17] === '1' ? '2' : '1')
      : r.person.idNumber,
    r.person.name,
    plan.regionCode,
    r.person.townshipCode,
    r.person.villageCode ?? '',
    plan.season,
    r.amountFen,
    r.channel,
    r.paidAt,
  ]);
}

async function pushDay(ctx: RunContext, d: number, rows: FeedRow[]) {
  const { plan, ledger, system } = ctx;
  const date = plan.days[d];
  const file = path.join(ctx.dir, `feed-${date}.csv`);
  if (d === plan.quarantineDay && rows.length >= 3) {
    // Three rows whose ID numbers lost their check digit on the way: quarantined; the tax bureau
    // then sends the day again, corrected, and only the three are new.
    const broken = new Set(rows.filter((r) => r.kind === 'PAYMENT').slice(0, 3));
    writeCsv(path.join(ctx.dir, `feed-${date}-first.csv`), FEED_HEADER, feedCsv(plan, rows, broken));
    const first = await system.feed(path.join(ctx.dir, `feed-${date}-first.csv`), date, plan.regionCode);
    ledger.quarantinedRows += first.quarantined;
    ledger.feeds++;
    ledger.feedRows += rows.length;
    if (first.quarantined !== broken.size)
      throw new Error(`feed ${date}: ${first.quarantined} rows quarantined, ${broken.size} expected`);
  }
  writeCsv(file, FEED_HEADER, feedCsv(plan, rows));
  const s = await system.feed(file, date, plan.regionCode);
  ledger.feeds++;
  ledger.feedRows += rows.length;
  if (s.quarantined > 0) throw new Error(`feed ${date}: ${s.quarantined} rows quarantined unexpectedly`);
  return s;
}

/** The feed of `d` held back past 16:00 of the next day: the deadline monitor raises it; then it comes. */
async function lateFeed(ctx: RunContext, d: number, today: string, rows: FeedRow[]) {
  const { plan, system, ledger } = ctx;
  const date = plan.days[d];
  await system.moveClock(`${today}T16:00:05+08:00`);
  const until = Date.now() + ctx.lateWaitSeconds * 1000;
  while (Date.now() < until) {
    const r = await system
      .as('tax-collection-feed-service', 'ops')
      .call<{ differences: { code: string; regionCode: string }[] }>('GET /v1/reconciliation', (c) =>
        c.GET('/v1/reconciliation', { params: { query: { date, region: plan.regionCode } } }),
      );
    if (r.differences.some((x) => x.code === 'FEED_MISSING')) {
      ledger.lateAlarmSeen = true;
      break;
    }
    await sleep(250);
  }
  if (!ledger.lateAlarmSeen)
    ctx.log(
      `the feed of ${date} is late but no feed.late was seen within ${ctx.lateWaitSeconds} s (FEED_MONITOR_FROM, FEED_MONITOR_INTERVAL_MS?)`,
    );
  const s = await pushDay(ctx, d, rows);
  if (s.late) ledger.lateFeeds++;
  await system.moveClock(`${today}T17:00:00+08:00`);
}

async function batch(ctx: RunContext, name: string, who: (p: Person) => boolean, kind: string) {
  const { plan } = ctx;
  const people = plan.people.filter(who);
  if (people.length === 0) return;
  const file = path.join(ctx.dir, `${name}.csv`);
  writeCsv(
    file,
    BATCH_HEADER,
    people.map((p) => [
      p.idNumber,
      p.name,
      plan.season,
      plan.regionCode,
      p.townshipCode,
      p.villageCode ?? '',
      kind,
      kind === 'STUDENT' ? '县第一中学' : '',
    ]),
  );
  const r = await ctx.system.batch(file, `season-${ctx.seed}-${name}.csv`);
  ctx.ledger.batchRows += people.length;
  if (r.rejected > 0 || r.accepted !== people.length)
    throw new Error(`batch ${name}: ${r.accepted} accepted, ${r.rejected} rejected of ${people.length}`);
}

async function registerSingles(ctx: RunContext, people: Person[]) {
  const { plan, system } = ctx;
  for (let i = 0; i < people.length; i += 8)
    await Promise.all(
      people.slice(i, i + 8).map((p) =>
        system.as('enrollment-service', 'mib').call('POST /v1/enrollments', (c) =>
          c.POST('/v1/enrollments', {
            body: {
              idNumber: p.idNumber,
              name: p.name,
              season: plan.season,
              regionCode: plan.regionCode,
              townshipCode: p.townshipCode,
              ...(p.villageCode ? { villageCode: p.villageCode } : {}),
              kind: 'NEW',
            },
          }),
        ),
      ),
    );
  ctx.ledger.registrations += people.length;
}

/** A department's whole snapshot for the region, staged by its clerk, approved by its checker. */
async function roster(
  ctx: RunContext,
  source: (typeof ROSTER_SOURCES)[number],
  asOf: string,
  identitiesOf: (p: Person) => Identity[],
) {
  const { plan } = ctx;
  const rows: (string | number)[][] = [];
  for (const p of plan.people)
    for (const i of identitiesOf(p))
      if (i.source === source)
        rows.push([
          p.idNumber,
          p.name,
          i.category,
          plan.regionCode,
          i === p.certifiedLater ? asOf : plan.days[0],
          '',
        ]);
  const file = path.join(ctx.dir, `roster-${source}-${asOf}.csv`);
  writeCsv(file, ROSTER_HEADER, rows);
  await ctx.system.roster(source, asOf, file);
  ctx.ledger.rosterRows += rows.length;
}

/** The 1st of a month: the match of the month that ended and the bank's results of its transfers. */
async function monthEnd(ctx: RunContext, date: string) {
  const { system, ledger } = ctx;
  const month = date.slice(0, 7);
  const previous = addDays(date, -1).slice(0, 7);
  await system.quiet(); // every payment of the month has reached the subsidy service
  const mib = system.as('subsidy-service', 'mib');
  await mib.call('POST /v1/match-runs', (c) => c.POST('/v1/match-runs', { body: { month: previous } }));
  ledger.matchRuns++;
  const t = await system.as('subsidy-service', 'finance').call<{
    routes: { instructions: { transferId: string; amountFen: number; status: string }[] }[];
  }>('GET /v1/transfers', (c) => c.GET('/v1/transfers', { params: { query: { month } } }));
  const open = t.routes.flatMap((r) => r.instructions).filter((i) => i.status === 'REQUESTED');
  if (open.length === 0) return;
  // 银行回盘 entered by one bureau clerk and confirmed by another (maker-checker), then applied.
  const entered = await mib.call<{ settlementId: string }>('POST /v1/transfers/settlements', (c) =>
    c.POST('/v1/transfers/settlements', {
      body: { results: open.map((i) => ({ transferId: i.transferId, status: 'PAID' as const })) },
    }),
  );
  const settled = await system
    .as('subsidy-service', 'mibChecker')
    .call<{ paid: number; ignored: string[] }>('POST /v1/transfers/settlements/:id/confirm', (c) =>
      c.POST('/v1/transfers/settlements/{id}/confirm', {
        params: { path: { id: entered.settlementId } },
        body: {},
      }),
    );
  if (settled.ignored.length > 0) throw new Error(`settlements ignored: ${settled.ignored.length}`);
  ledger.transfersSettledFen += open.reduce((s, i) => s + i.amountFen, 0);
}

async function proxyList(ctx: RunContext) {
  const { plan, system } = ctx;
  const r = await system
    .as('subsidy-service', 'mib')
    .call<Record<string, unknown>>('GET /v1/proxy-payments', (c) =>
      c.GET('/v1/proxy-payments', { params: { query: { region: plan.regionCode, season: plan.season } } }),
    );
  ctx.log(`proxy-payment list (代缴名单) before the proxy payments: ${JSON.stringify(r).slice(0, 200)}`);
}

/** Refunds through the three departments: tax enters, MIB reviews and plans, finance funds, MIB pays. */
async function refundRound(ctx: RunContext, d: number, vouchers: Map<string, string[]>, done: Set<string>) {
  const { plan, system, ledger } = ctx;
  const due = plan.people.filter(
    (p) => (p.duplicate || p.died) && p.payDay !== null && p.payDay < d - 1 && !done.has(p.idNumber),
  );
  if (due.length === 0) return;
  const ids: string[] = [];
  for (const p of due) {
    const [first, second] = vouchers.get(p.idNumber) ?? [];
    const voucherNo = p.duplicate ? second : first;
    const app = {
      voucherNo,
      idNumber: p.idNumber,
      amountFen: p.dueFen,
      reason: p.duplicate ? ('DUPLICATE_PAYMENT' as const) : ('DEATH' as const),
      payeeName: p.name,
      payeeBank: '中国农业银行',
      payeeAccount: `622848${p.idNumber.slice(6, 17)}0`,
      note: p.duplicate ? '同一人重复缴费' : '参保人死亡',
    };
    const r = await system
      .as('refund-service', 'tax')
      .call<{ refundId: string }>('POST /v1/refunds', (c) => c.POST('/v1/refunds', { body: app }));
    ids.push(r.refundId);
    ledger.refundsAppliedFen += p.dueFen;
    done.add(p.idNumber);
  }
  for (const id of ids)
    await system.as('refund-service', 'mibChecker').call('POST /v1/refunds/:id/review', (c) =>
      c.POST('/v1/refunds/{id}/review', {
        params: { path: { id } },
        body: { decision: 'APPROVE', reason: '核实无误' },
      }),
    );
  const refundMib = system.as('refund-service', 'mib');
  const plan2 = await refundMib.call<{ planId: string; totalFen: number }>('POST /v1/refund-plans', (c) =>
    c.POST('/v1/refund-plans', {
      body: { refundIds: ids, note: `season simulator ${plan.days[Math.min(d, plan.days.length - 1)]}` },
    }),
  );
  ledger.refundsPlannedFen += plan2.totalFen;
  const funded = await system
    .as('refund-service', 'finance')
    .call<{ funding: { amountFen: number } | null }>('POST /v1/refund-plans/:id/funding', (c) =>
      c.POST('/v1/refund-plans/{id}/funding', {
        params: { path: { id: plan2.planId } },
        body: { amountFen: plan2.totalFen, reference: `FIN-${plan2.planId.slice(0, 8)}` },
      }),
    );
  ledger.refundsFundedFen += funded.funding?.amountFen ?? 0;
  for (const id of ids) {
    const r = await refundMib.call<{ amountFen: number; state: string }>('POST /v1/refunds/:id/payout', (c) =>
      c.POST('/v1/refunds/{id}/payout', {
        params: { path: { id } },
        body: { outcome: 'PAID', bankReference: `BANK-${id.slice(0, 8)}` },
      }),
    );
    if (r.state === 'PAID') ledger.refundsPaidFen += r.amountFen;
  }
  ledger.refunds += ids.length;
}
