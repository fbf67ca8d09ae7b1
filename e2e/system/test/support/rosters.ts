import { FILE_FORMATS } from '@urrbmi/contracts';

/** The roster file's header, from its format in libs/contracts. */
export const ROSTER_HEADER = FILE_FORMATS.roster.columns.map((c) => c.name).join(',');

/** Stages a roster snapshot of `rows` (CSV lines without the header) as `key`'s holder. */
export async function uploadRoster(
  baseUrl: string,
  key: string,
  source: string,
  asOf: string,
  rows: string[],
  region?: string,
): Promise<{ status: number; body: Record<string, unknown> & { uploadId: string } }> {
  const r = await fetch(`${baseUrl}/v1/rosters`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'text/csv',
      'x-roster-source': source,
      'x-as-of': asOf,
      ...(region ? { 'x-region-code': region } : {}),
    },
    body: [ROSTER_HEADER, ...rows].join('\n') + '\n',
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> & { uploadId: string } };
}
