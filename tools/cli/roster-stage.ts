import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { XLSX_TYPE } from '@urrbmi/files';
import { fileBody, Schema, ServicePaths } from '@urrbmi/contracts/openapi';
import { callService, ClientOptions, expectData, typedClient } from './service-client';

type RosterUpload = Schema<'subsidy-service', 'RosterUploadView'>;
type RosterHeaders = ServicePaths['subsidy-service']['/v1/rosters']['post']['parameters']['header'];

export interface RosterStageOptions {
  file: string;
  /** The documented sources (the service refuses another with 400 BAD_HEADER). */
  source: RosterHeaders['X-Roster-Source'];
  asOf: string;
  gbk: boolean;
}

/** Stages a department's roster snapshot (maker); a second holder approves it (checker). */
export async function stageRoster(client: ClientOptions, o: RosterStageOptions): Promise<RosterUpload> {
  const contentType = /\.xlsx$/i.test(o.file) ? XLSX_TYPE : o.gbk ? 'text/csv; charset=gbk' : 'text/csv';
  const rosters = typedClient('subsidy-service', client);
  const r = await callService(client, 'POST /v1/rosters', () =>
    rosters.POST('/v1/rosters', {
      params: { header: { 'X-Roster-Source': o.source, 'X-As-Of': o.asOf } },
      ...fileBody(Readable.toWeb(createReadStream(o.file)) as ReadableStream, contentType),
    }),
  );
  return expectData(r, 'the roster');
}

export async function decideRoster(
  client: ClientOptions,
  rosterId: string,
  decision: 'approve' | 'reject',
  note?: string,
): Promise<RosterUpload> {
  const rosters = typedClient('subsidy-service', client);
  const r = await callService(client, `POST /v1/rosters/${rosterId}/${decision}`, () =>
    rosters.POST(`/v1/rosters/{id}/${decision}`, {
      params: { path: { id: rosterId } },
      body: note ? { note } : {},
    }),
  );
  return expectData(r, `the roster ${decision}`);
}
