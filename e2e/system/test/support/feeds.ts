import { fileBody, Schema, serviceClient } from '@urrbmi/contracts/openapi';
import { residentIdCheckChar } from '@urrbmi/domain';

export const FEED_HEADER =
  'voucher_no,kind,original_voucher_no,id_number,name,region_code,township_code,village_code,season,amount_fen,channel,paid_at';

export interface FeedLine {
  voucher: string;
  kind?: 'PAYMENT' | 'REVERSAL';
  original?: string;
  id: string;
  name?: string;
  region?: string;
  township?: string;
  season?: number;
  amount: number | string;
  channel?: string;
  paidAt?: string;
}

export function feedCsv(lines: FeedLine[]): string {
  return (
    [FEED_HEADER]
      .concat(
        lines.map((l) =>
          [
            l.voucher,
            l.kind ?? 'PAYMENT',
            l.original ?? '',
            l.id,
            l.name ?? '缴费人',
            l.region ?? '411421',
            l.township ?? '',
            '',
            l.season ?? 2023,
            l.amount,
            l.channel ?? 'WECHAT',
            l.paidAt ?? '2023-10-20T10:00:00+08:00',
          ].join(','),
        ),
      )
      .join('\n') + '\n'
  );
}

/** A valid Minquan (411421) resident ID number for the n-th test person. */
export function minquanId(n: number, birth = '19700101'): string {
  const first17 = `411421${birth}${String(n % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

export function controlTotals(lines: FeedLine[]): { count: number; total: number } {
  return {
    count: lines.length,
    total: lines.reduce(
      (s, l) =>
        s + (typeof l.amount === 'number' ? l.amount : /^-?\d+$/.test(l.amount) ? Number(l.amount) : 0),
      0,
    ),
  };
}

export type FeedAnswer = Schema<'tax-collection-feed-service', 'FeedResultView'> & Record<string, unknown>;

/**
 * `POST /v1/feeds` through the typed client generated from docs/openapi: the headers and body are
 * the documented ones, so a test that pushes a feed also checks the published contract.
 */
export async function pushFeed(
  baseUrl: string,
  key: string,
  feed: {
    body: string | Uint8Array;
    date: string;
    region: string;
    count: number;
    total: number;
    contentType?: string;
  },
): Promise<{ status: number; body: FeedAnswer }> {
  const { data, error, response } = await serviceClient('tax-collection-feed-service', baseUrl, key).POST(
    '/v1/feeds',
    {
      params: {
        header: {
          'X-Feed-Date': feed.date,
          'X-Region-Code': feed.region,
          'X-Record-Count': String(feed.count),
          'X-Total-Amount-Fen': String(feed.total),
        },
      },
      ...fileBody(feed.body, feed.contentType),
    },
  );
  return { status: response.status, body: (data ?? error) as FeedAnswer };
}
