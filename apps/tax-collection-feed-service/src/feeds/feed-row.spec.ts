import { residentIdCheckChar } from '@urrbmi/domain';
import {
  contractViolation,
  FeedRow,
  isQuarantined,
  isRealInstant,
  parseFeedRow,
  QuarantinedRow,
} from './feed-row';

const first17 = '41142119700101001';
const ID = first17 + residentIdCheckChar(first17);
const FEED_ID = '0b7a2c1e-6a4f-4c1e-9f7e-2a3b4c5d6e7f';

function row(over: Record<string, string> = {}): Record<string, string> {
  return {
    voucher_no: 'V-1',
    kind: 'PAYMENT',
    original_voucher_no: '',
    id_number: ID,
    name: '缴费人',
    region_code: '411421',
    township_code: '',
    village_code: '',
    season: '2023',
    amount_fen: '38000',
    channel: 'WECHAT',
    paid_at: '2023-10-20T10:00:00+08:00',
    ...over,
  };
}

const parse = (over: Record<string, string>) => parseFeedRow(7, row(over), '411421', () => true);

describe('feed rows that would break the ledger or the event contract are quarantined', () => {
  it('accepts a good row, whose event passes the contract', () => {
    const r = parse({});
    expect(isQuarantined(r)).toBe(false);
    expect(contractViolation(r as FeedRow, FEED_ID)).toBeUndefined();
  });

  it('quarantines an amount beyond the integer range and keeps no amount the column cannot hold', () => {
    expect(parse({ amount_fen: '2147483648' })).toMatchObject({
      code: 'BAD_AMOUNT',
      message: 'amount_fen is beyond 2147483647 fen, more than any contribution',
      amountFen: null,
    });
    // Quarantined for another reason first: the huge amount must not reach the exceptions table either.
    expect(parse({ id_number: '411421197001010010', amount_fen: '999999999999' })).toMatchObject({
      code: 'BAD_ID_NUMBER',
      amountFen: null,
    });
    expect(parse({ amount_fen: '2147483647' })).not.toHaveProperty('code');
  });

  it('quarantines an impossible calendar day or clock time that JavaScript would roll over', () => {
    expect(parse({ paid_at: '2023-02-30T10:00:00+08:00' })).toMatchObject({
      code: 'BAD_PAID_AT',
      message: 'paid_at 2023-02-30T10:00:00 is not a real calendar day and time',
    });
    expect(isRealInstant('2024-02-29T23:59:59+08:00')).toBe(true);
    expect(isRealInstant('2023-02-29T10:00:00+08:00')).toBe(false);
    expect(isRealInstant('2023-04-31T10:00:00Z')).toBe(false);
    expect(isRealInstant('2023-04-30T24:00:00Z')).toBe(false);
    expect(isRealInstant('2023-04-30T10:00:00+25:00')).toBe(false);
  });

  it('quarantines a name longer than the payment.recorded contract carries', () => {
    expect(parse({ name: '张'.repeat(100) })).not.toHaveProperty('code');
    expect(parse({ name: '张'.repeat(101) })).toMatchObject({
      code: 'NAME_TOO_LONG',
      message: 'name is longer than 100 characters',
    });
  });

  it('quarantines a season outside what the contract accepts', () => {
    expect(parse({ season: '1999' })).toMatchObject({
      code: 'BAD_SEASON',
      message: 'season must be a year from 2000 to 2100',
    });
    expect(parse({ season: '9999' })).toMatchObject({ code: 'BAD_SEASON' });
    expect(parse({ season: '20233' })).toMatchObject({ code: 'BAD_SEASON' });
  });

  it('turns any other contract refusal into a quarantine with the contract message', () => {
    const good = parse({}) as FeedRow;
    const q = contractViolation({ ...good, townshipCode: '12' }, FEED_ID) as QuarantinedRow;
    expect(q).toMatchObject({ line: 7, code: 'CONTRACT_VIOLATION', voucherNo: 'V-1', amountFen: 38000 });
    expect(q.message).toMatch(/^the row's event would break the payment.recorded contract: townshipCode/);
    expect(q.idNumber).not.toContain(ID.slice(6, 14)); // masked
  });
});
