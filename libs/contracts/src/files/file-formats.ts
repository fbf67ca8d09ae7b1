import { residentIdCheckChar } from '@urrbmi/domain';
import { DAILY_FEED_COLUMNS } from './daily-feed';

/**
 * Every file another department uploads, as the contract states it: columns, which are required,
 * what each means in Chinese and English, and an example row taken from the seeds. Templates
 * (`GET /v1/templates/{kind}`) and the header check at upload are both made from these, so what a
 * department downloads is exactly what the endpoint accepts.
 */
export interface FileColumn {
  name: string;
  required: boolean;
  zh: string;
  en: string;
  example: string;
}

export interface FileFormat {
  kind: FileKind;
  titleZh: string;
  titleEn: string;
  /** Where the filled file goes, with the request headers it needs (example values). */
  endpoint: string;
  headers: Record<string, string>;
  xlsx: boolean;
  columns: FileColumn[];
}

export const FILE_KINDS = [
  'daily-feed',
  'roster',
  'enrollment-registrations',
  'enrollment-deaths',
  'quotas',
  'refund-batch',
] as const;
export type FileKind = (typeof FILE_KINDS)[number];

function residentId(first17: string): string {
  return first17 + residentIdCheckChar(first17);
}

/** Example people, from the seeds' regions: a Shandan payer, a Minquan 低保 member, a Zhuji newborn. */
export const EXAMPLE_PEOPLE = {
  shandanPayer: residentId('62072519800101123'),
  minquanDibao: residentId('41142119650315042'),
  zhujiNewborn: residentId('34132320221001003'),
  zhujiElder: residentId('34132319400505201'),
} as const;

const col = (name: string, required: boolean, zh: string, en: string, example: string): FileColumn => ({
  name,
  required,
  zh,
  en,
  example,
});

const FEED_COLUMN_TEXT: Record<(typeof DAILY_FEED_COLUMNS)[number], [boolean, string, string, string]> = {
  voucher_no: [
    true,
    '税票号（完税凭证号），全局唯一',
    'tax voucher number, unique across all feeds',
    'SD2023101600001',
  ],
  kind: [true, 'PAYMENT 缴费 或 REVERSAL 冲正', 'PAYMENT or REVERSAL', 'PAYMENT'],
  original_voucher_no: [false, '冲正时填原税票号', 'for a reversal: the voucher it reverses', ''],
  id_number: [
    true,
    '公民身份号码（18位，GB 11643）',
    'resident ID number (18 characters, GB 11643)',
    EXAMPLE_PEOPLE.shandanPayer,
  ],
  name: [true, '姓名', 'name', '张三'],
  region_code: [true, '县级行政区划代码（6位）', 'county division code (6 digits)', '620725'],
  township_code: [false, '乡镇代码（9位）', 'township code (9 digits)', '620725100'],
  village_code: [false, '村（社区）代码（12位）', 'village code (12 digits)', ''],
  season: [true, '征缴年度（与政策编号一致）', 'collection season (the year of the policy id)', '2023'],
  amount_fen: [
    true,
    '金额（分，整数；冲正为负数）',
    'amount in fen, an integer; negative for a reversal',
    '38000',
  ],
  channel: [
    true,
    '缴费渠道：WECHAT ALIPAY BANK_APP BANK_COUNTER TAX_APP E_TAX TAX_WINDOW VILLAGE_AGENT SCHOOL PROXY',
    'payment channel: WECHAT ALIPAY BANK_APP BANK_COUNTER TAX_APP E_TAX TAX_WINDOW VILLAGE_AGENT SCHOOL PROXY',
    'WECHAT',
  ],
  paid_at: [
    true,
    '缴费时间（ISO-8601，带时区）',
    'payment time, ISO-8601 with offset',
    '2023-10-16T10:15:00+08:00',
  ],
};

export const FILE_FORMATS: Record<FileKind, FileFormat> = {
  'daily-feed': {
    kind: 'daily-feed',
    titleZh: '税务部门每日缴费明细',
    titleEn: "Tax bureau's daily payment detail",
    endpoint: 'POST /v1/feeds (tax-collection-feed-service)',
    headers: {
      'X-Feed-Date': '2023-10-16',
      'X-Region-Code': '620725',
      'X-Record-Count': '1',
      'X-Total-Amount-Fen': '38000',
    },
    xlsx: false,
    columns: DAILY_FEED_COLUMNS.map((name) => col(name, ...FEED_COLUMN_TEXT[name])),
  },
  roster: {
    kind: 'roster',
    titleZh: '资助参保对象花名册',
    titleEn: 'Roster of people with a hardship or entitled identity',
    endpoint: 'POST /v1/rosters (subsidy-service)',
    headers: { 'X-Roster-Source': 'CIVIL_AFFAIRS', 'X-As-Of': '2023-10-01', 'X-Region-Code': '411421' },
    xlsx: true,
    columns: [
      col('id_number', true, '公民身份号码', 'resident ID number', EXAMPLE_PEOPLE.minquanDibao),
      col('name', true, '姓名', 'name', '李四'),
      col(
        'category',
        true,
        '资助类别代码或中文名称（如 MINIMUM_LIVING / 低保对象）',
        'category code or its Chinese name',
        'MINIMUM_LIVING',
      ),
      col(
        'certified_region_code',
        true,
        '认定地县级区划代码',
        'county where the identity was certified',
        '411421',
      ),
      col(
        'valid_from',
        false,
        '认定起始日期（空则为快照日期）',
        'valid from (default: the snapshot date)',
        '2023-01-01',
      ),
      col('valid_to', false, '认定终止日期（空则长期有效）', 'valid to (empty: open-ended)', ''),
    ],
  },
  'enrollment-registrations': {
    kind: 'enrollment-registrations',
    titleZh: '参保登记批量导入（续保、学校、新生儿）',
    titleEn: 'Batch registrations (renewals, schools, newborns)',
    endpoint: 'POST /v1/enrollments/batch (enrollment-service)',
    headers: { 'X-File-Name': 'zhuji-newborns.csv' },
    xlsx: true,
    columns: [
      col('id_number', true, '公民身份号码', 'resident ID number', EXAMPLE_PEOPLE.zhujiNewborn),
      col('name', true, '姓名', 'name', '王小宝'),
      col('season', true, '征缴年度', 'collection season', '2023'),
      col('region_code', true, '参保地县级区划代码', 'county of enrolment', '341323'),
      col('township_code', false, '乡镇代码', 'township code', '341323100'),
      col('village_code', false, '村（社区）代码', 'village code', ''),
      col(
        'kind',
        false,
        '参保类型：NEW RENEWAL NEWBORN STUDENT PROXY NON_LOCAL TRANSFER_IN LATE（默认 NEW）',
        'kind of enrolment (default NEW)',
        'NEWBORN',
      ),
      col('school', false, '学校名称（STUDENT）', 'school (STUDENT)', ''),
      col('late_group', false, '延期参保人群（LATE）', 'late-enrolment group (LATE)', ''),
      col('extended_group', false, '延长征缴期人群', 'extended-window group', ''),
      col('residence_proof', false, '居住证明（NON_LOCAL）', 'proof of residence (NON_LOCAL)', ''),
      col(
        'not_insured_at_home',
        false,
        '承诺未在户籍地参保（是/否）',
        'promise not insured at home (yes/no)',
        '',
      ),
      col('previous_region_code', false, '转入前参保地（TRANSFER_IN）', 'previous county (TRANSFER_IN)', ''),
    ],
  },
  'enrollment-deaths': {
    kind: 'enrollment-deaths',
    titleZh: '死亡人员名单（卫健部门）',
    titleEn: 'Deaths (health commission)',
    endpoint: 'POST /v1/enrollments/batch with X-Batch-Type: DEATHS (enrollment-service)',
    headers: { 'X-Batch-Type': 'DEATHS' },
    xlsx: true,
    columns: [
      col('id_number', true, '公民身份号码', 'resident ID number', EXAMPLE_PEOPLE.zhujiElder),
      col('season', true, '征缴年度', 'collection season', '2023'),
      col('date_of_death', true, '死亡日期', 'date of death', '2022-12-20'),
    ],
  },
  quotas: {
    kind: 'quotas',
    titleZh: '征缴任务分解表',
    titleEn: 'Task breakdown table (quotas)',
    endpoint: 'POST /v1/quotas (reporting-service)',
    headers: {},
    xlsx: true,
    columns: [
      col('season', true, '征缴年度', 'collection season', '2023'),
      col(
        'unit_code',
        true,
        '单位代码（乡镇9位或村12位）',
        'unit code (township 9 or village 12 digits)',
        '620725100',
      ),
      col('unit_name', true, '单位名称', 'unit name', '清泉镇'),
      col('parent_code', true, '上级代码（县或乡镇）', 'parent code (county or township)', '620725'),
      col('quota', true, '任务数（人）', 'quota (people)', '28468'),
      col('population', false, '常住人口', 'resident population', ''),
    ],
  },
  'refund-batch': {
    kind: 'refund-batch',
    titleZh: '退费申请批量受理',
    titleEn: "A day's refund applications",
    endpoint: 'POST /v1/refunds/batch (refund-service)',
    headers: { 'Idempotency-Key': 'refunds-2023-10-16' },
    xlsx: false,
    columns: [
      col('voucher_no', true, '原缴费税票号', 'voucher of the payment to refund', 'SD2023101600001'),
      col('id_number', true, '缴费人公民身份号码', "payer's resident ID number", EXAMPLE_PEOPLE.shandanPayer),
      col('amount_fen', true, '退费金额（分）', 'amount to refund, in fen', '38000'),
      col(
        'reason',
        true,
        '退费原因：DUPLICATE_PAYMENT DOUBLE_COVER DEATH TRANSFER_OUT OVERPAYMENT OTHER',
        'reason: DUPLICATE_PAYMENT DOUBLE_COVER DEATH TRANSFER_OUT OVERPAYMENT OTHER',
        'DUPLICATE_PAYMENT',
      ),
      col('payee_name', true, '收款人姓名', 'payee name', '张三'),
      col('payee_bank', false, '收款银行', 'payee bank', '中国农业银行山丹县支行'),
      col('payee_account', true, '收款账号', 'payee account', '6228480123456789012'),
      col('note', false, '备注', 'note', '同一凭证重复缴费'),
    ],
  },
};

/** The header check an upload endpoint applies: required columns, and every column it knows. */
export function fileColumns(kind: FileKind): { required: string[]; optional: string[] } {
  const columns = FILE_FORMATS[kind].columns;
  return {
    required: columns.filter((c) => c.required).map((c) => c.name),
    optional: columns.filter((c) => !c.required).map((c) => c.name),
  };
}
