// The people of one simulated season, made from the policy, the quota table, a scale and a seed:
// who registers how and when, who is on which department's roster, who pays on which day and how
// much, and the few who pay twice, are reversed, die, or are certified after paying.
import { addDays, daysBetween, residentIdCheckChar } from '@urrbmi/domain';
import { decideEnrolment, RegionSeasonPolicy, SUBSIDY_CATEGORIES, SubsidyCategory } from '@urrbmi/policy';
import { Random } from './random';

export type RosterSource = 'CIVIL_AFFAIRS' | 'RURAL_REVITALIZATION';
export const ROSTER_SOURCES: readonly RosterSource[] = ['CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'];

export interface QuotaUnit {
  unitCode: string;
  unitName: string;
  quota: number;
}

export interface Identity {
  category: SubsidyCategory;
  source: RosterSource;
  amountFen: number;
  mode: 'FULL' | 'DIFFERENCE';
}

/** How a person comes to be enrolled. */
export type Route = 'RENEWAL_BATCH' | 'SCHOOL_BATCH' | 'NEWBORN_BATCH' | 'NEW' | 'JUST_PAY';

export interface Person {
  idNumber: string;
  name: string;
  townshipCode: string;
  villageCode?: string;
  route: Route;
  /** Day index of the registration; null for renewals that just pay (the feed registers them). */
  registerDay: number | null;
  /** Day index of the payment; null: registered, never pays. */
  payDay: number | null;
  channel: string;
  /** Identities on the rosters approved on day 0 (highest wins). */
  identities: Identity[];
  /** The subsidy the person enjoys at payment: the highest identity, if any. */
  subsidy?: Identity;
  /** What the person (or the proxy payment) pays: the standard less a DIFFERENCE subsidy. */
  dueFen: number;
  duplicate: boolean;
  reversed: boolean;
  died: boolean;
  /** Certified by the monthly roster update after paying in full: a transfer the month after. */
  certifiedLater?: Identity;
}

export interface SeasonPlan {
  regionCode: string;
  season: number;
  standardFen: number;
  /** People per unit of quota. */
  scale: number;
  /** Collection days, Asia/Shanghai, first to last. */
  days: string[];
  people: Person[];
  schoolDay: number;
  newbornDay: number;
  proxyDay: number;
  /** The day whose feed is pushed after its 16:00 deadline. */
  lateDay: number;
  /** The day whose feed has rows quarantined, then a correction feed. */
  quarantineDay: number;
  /** The day of the monthly roster update (the first of the window's second month), or null. */
  updateDay: number | null;
  /** Days on which refunds go through all three departments (the last one after the season). */
  refundDays: number[];
}

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国玉梅红林文斌宇浩凯秀云海燕春雪飞鹏辉丹琳晨阳';
const CHANNELS = [
  'WECHAT',
  'WECHAT',
  'WECHAT',
  'ALIPAY',
  'BANK_APP',
  'TAX_APP',
  'BANK_COUNTER',
  'VILLAGE_AGENT',
];

function residentId(region: string, birth: string, serial: number): string {
  const first17 = `${region}${birth.replace(/-/g, '')}${String(serial).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

/**
 * The n-th person of a run: unique across runs with different seeds (the seed takes its own slice of
 * 32,000 birth days × 1,000 serials), always a valid GB 11643 number, born 1925-2012.
 */
function adultId(region: string, seed: number, n: number): string {
  const k = (seed % 150) * 200_000 + n;
  return residentId(region, addDays('1925-01-01', k % 32_000), Math.floor(k / 32_000) % 1000);
}

/** A newborn of a run: born in the 60 days before the window opens. */
function newborn(
  region: string,
  firstDay: string,
  seed: number,
  n: number,
): { idNumber: string; birth: string } {
  const k = (seed % 50) * 1_200 + n;
  const birth = addDays(firstDay, -1 - (k % 60));
  return { idNumber: residentId(region, birth, Math.floor(k / 60) % 1000), birth };
}

/**
 * A newborn's parents pay within the policy's newborn window (Zhuji: 90 days from birth), judged by
 * the policy's own rule: the latest day from `payDay` back to `earliest` the rule allows.
 */
function newbornPayDay(
  policy: RegionSeasonPolicy,
  days: string[],
  birth: string,
  payDay: number,
  earliest: number,
) {
  for (let d = payDay; d > earliest; d--)
    if (decideEnrolment(policy, { date: days[d], newborn: { birthDate: birth } }).allowed) return d;
  return earliest;
}

/** The categories the two roster departments certify that the policy subsidises. */
export function subsidisedIdentities(policy: RegionSeasonPolicy): Identity[] {
  const out: Identity[] = [];
  for (const rule of policy.subsidies) {
    if (!rule.amountFen || (rule.mode !== 'FULL' && rule.mode !== 'DIFFERENCE')) continue;
    for (const category of rule.categories) {
      const source = (SUBSIDY_CATEGORIES[category].sources as readonly string[]).find((s) =>
        (ROSTER_SOURCES as readonly string[]).includes(s),
      ) as RosterSource | undefined;
      if (source) out.push({ category, source, amountFen: rule.amountFen, mode: rule.mode });
    }
  }
  return out;
}

/** Share of the people holding an identity of this kind (poverty relief shares of a western county). */
function identityShare(i: Identity): number {
  if (i.mode === 'FULL') return 0.004;
  return i.amountFen >= 25_000 ? 0.012 : 0.02;
}

function highest(identities: Identity[]): Identity | undefined {
  return [...identities].sort((a, b) => b.amountFen - a.amountFen)[0];
}

export function collectionDays(policy: RegionSeasonPolicy, from?: string): string[] {
  const first = from ?? policy.collectionWindow.from ?? `${policy.collectionWindow.to.slice(0, 4)}-09-01`;
  const n = daysBetween(first, policy.collectionWindow.to) + 1;
  if (n < 14)
    throw new Error(`the collection window ${first}..${policy.collectionWindow.to} is shorter than 14 days`);
  return Array.from({ length: n }, (_, i) => addDays(first, i));
}

/**
 * A payment day on the season's curve: 70% of payers in the last six weeks (the deadline crush),
 * the rest spread evenly before; never before `earliest`.
 */
function payDayOn(rnd: Random, days: number, earliest: number): number {
  const crush = Math.max(0, days - 42);
  const d = crush > 0 && rnd.next() >= 0.7 ? rnd.int(0, crush - 1) : rnd.int(crush, days - 1);
  return Math.max(d, earliest);
}

export function planSeason(o: {
  policy: RegionSeasonPolicy;
  units: QuotaUnit[];
  scale: number;
  seed: number;
  from?: string;
}): SeasonPlan {
  const { policy, scale, seed } = o;
  const rnd = new Random(seed);
  const region = policy.region.code;
  const days = collectionDays(policy, o.from);
  const N = days.length;
  const standardFen = policy.contribution.individualFen;
  const monthStart = days.findIndex((d, i) => i > 0 && d.endsWith('-01'));
  const plan: SeasonPlan = {
    regionCode: region,
    season: policy.season,
    standardFen,
    scale,
    days,
    people: [],
    schoolDay: Math.min(10, N - 2),
    newbornDay: Math.min(20, N - 2),
    proxyDay: Math.min(14, N - 2),
    lateDay: Math.floor(N * 0.4),
    quarantineDay: Math.floor(N * 0.3),
    updateDay: monthStart > 0 && monthStart < N - 10 ? monthStart : null,
    refundDays: [Math.floor(N * 0.6), N],
  };

  let n = 0;
  let newborns = 0;
  for (const unit of o.units) {
    const townshipCode = unit.unitCode.slice(0, 9);
    const villageCode = unit.unitCode.length === 12 ? unit.unitCode : undefined;
    const payers = Math.max(1, Math.round(unit.quota * scale));
    const neverPay = Math.max(1, Math.round(payers * 0.04));
    for (let i = 0; i < payers + neverPay; i++) {
      const r = rnd.next();
      let route: Route =
        r < 0.45
          ? 'RENEWAL_BATCH'
          : r < 0.7
            ? 'JUST_PAY'
            : r < 0.85
              ? 'NEW'
              : r < 0.99
                ? 'SCHOOL_BATCH'
                : 'NEWBORN_BATCH';
      const pays = i < payers;
      if (!pays && route === 'JUST_PAY') route = 'NEW';
      const baby =
        route === 'NEWBORN_BATCH' && newborns < 1_200 ? newborn(region, days[0], seed, newborns++) : null;
      if (route === 'NEWBORN_BATCH' && !baby) route = 'NEW';
      const idNumber = baby ? baby.idNumber : adultId(region, seed, n++);
      const registerDay =
        route === 'RENEWAL_BATCH'
          ? 0
          : route === 'SCHOOL_BATCH'
            ? plan.schoolDay
            : route === 'NEWBORN_BATCH'
              ? plan.newbornDay
              : route === 'NEW'
                ? rnd.int(0, N - 2)
                : null;
      const onCurve = pays ? payDayOn(rnd, N, registerDay ?? 0) : null;
      const payDay =
        baby && onCurve !== null
          ? newbornPayDay(policy, days, baby.birth, onCurve, registerDay ?? 0)
          : onCurve;
      plan.people.push({
        idNumber,
        name: rnd.pick([...SURNAMES]) + rnd.pick([...GIVEN]) + (rnd.next() < 0.6 ? rnd.pick([...GIVEN]) : ''),
        townshipCode,
        villageCode,
        route,
        registerDay,
        payDay,
        channel: route === 'SCHOOL_BATCH' ? 'SCHOOL' : rnd.pick(CHANNELS),
        identities: [],
        dueFen: standardFen,
        duplicate: false,
        reversed: false,
        died: false,
      });
    }
  }

  // Rosters: renewals registered on day 0 who pay from day 1 (after the rosters are approved).
  const eligible = plan.people.filter((p) => p.route === 'RENEWAL_BATCH' && p.payDay !== null);
  const kinds = subsidisedIdentities(policy);
  let pool = rnd.sample(eligible, eligible.length);
  for (const kind of kinds) {
    const take = Math.max(1, Math.round(plan.people.length * identityShare(kind)));
    for (const p of pool.slice(0, take)) p.identities.push(kind);
    pool = pool.slice(take);
  }
  // Some people are on both departments' rosters: the higher subsidy wins, never both.
  const civil = kinds.filter((k) => k.source === 'CIVIL_AFFAIRS' && k.mode === 'DIFFERENCE');
  const rural = plan.people.filter((p) => p.identities[0]?.source === 'RURAL_REVITALIZATION');
  if (civil.length > 0)
    for (const p of rnd.sample(rural, Math.ceil(rural.length * 0.05))) p.identities.push(rnd.pick(civil));
  for (const p of plan.people) {
    p.subsidy = highest(p.identities);
    if (!p.subsidy) continue;
    p.payDay = Math.max(1, p.payDay ?? 1);
    if (p.subsidy.mode === 'FULL') {
      p.payDay = plan.proxyDay;
      p.channel = 'PROXY';
    } else p.dueFen = standardFen - p.subsidy.amountFen;
  }

  // The few: certified after paying (monthly update), paying twice, reversed, deceased.
  const plain = rnd.sample(
    plan.people.filter((p) => !p.subsidy && p.payDay !== null && p.route !== 'NEWBORN_BATCH'),
    plan.people.length,
  );
  const count = (share: number, least: number) => Math.max(least, Math.round(plan.people.length * share));
  const take = (share: number, least: number, ok: (p: Person) => boolean) => {
    const out: Person[] = [];
    for (let i = 0; i < plain.length && out.length < count(share, least);) {
      if (ok(plain[i])) out.push(...plain.splice(i, 1));
      else i++;
    }
    return out;
  };
  // Certified after paying in full: repaid by the monthly match's transfer where the policy has one
  // (Zhuji 2023 has none: its subsidies only reduce the contribution).
  if (plan.updateDay !== null && kinds.length > 0 && policy.monthlyMatch.enabled) {
    const update = plan.updateDay;
    for (const p of take(0.002, 2, (x) => x.payDay! < update)) p.certifiedLater = rnd.pick(kinds);
  }
  for (const p of take(0.0015, 3, (x) => x.payDay! < plan.refundDays[0] - 2)) p.duplicate = true;
  for (const p of take(0.0005, 2, (x) => x.payDay! < N - 6)) p.reversed = true;
  for (const p of take(0.0005, 2, (x) => x.payDay! < plan.refundDays[0] - 2)) p.died = true;
  return plan;
}
