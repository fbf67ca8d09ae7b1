import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { XLSX_TYPE } from '@urrbmi/files';
import { callService, ClientOptions, expectJson } from './service-client';

export interface RosterStageOptions {
  file: string;
  source: string;
  asOf: string;
  gbk: boolean;
}

/** Stages a department's roster snapshot (maker); a second holder approves it (checker). */
export async function stageRoster(
  client: ClientOptions,
  o: RosterStageOptions,
): Promise<Record<string, unknown>> {
  const contentType = /\.xlsx$/i.test(o.file) ? XLSX_TYPE : o.gbk ? 'text/csv; charset=gbk' : 'text/csv';
  const r = await callService(client, 'POST', '/v1/rosters', {
    headers: { 'content-type': contentType, 'x-roster-source': o.source, 'x-as-of': o.asOf },
    body: () => Readable.toWeb(createReadStream(o.file)) as ReadableStream,
  });
  return expectJson(r, 'the roster');
}

export async function decideRoster(
  client: ClientOptions,
  rosterId: string,
  decision: 'approve' | 'reject',
  note?: string,
): Promise<Record<string, unknown>> {
  const r = await callService(client, 'POST', `/v1/rosters/${encodeURIComponent(rosterId)}/${decision}`, {
    headers: { 'content-type': 'application/json' },
    body: () => JSON.stringify(note ? { note } : {}),
  });
  return expectJson(r, `the roster ${decision}`);
}
