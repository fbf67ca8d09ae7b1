import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { XLSX_TYPE } from '@urrbmi/files';
import { fileBody, Schema, ServicePaths } from '@urrbmi/contracts/openapi';
import { callService, CliError, ClientOptions, ExitCode, expectData, typedClient } from './service-client';

type RosterUpload = Schema<'subsidy-service', 'RosterUploadView'>;
type RosterHeaders = ServicePaths['subsidy-service']['/v1/rosters']['post']['parameters']['header'];

export interface RosterStageOptions {
  file: string;
  /** The documented sources (the service refuses another with 400 BAD_HEADER). */
  source: RosterHeaders['X-Roster-Source'];
  asOf: string;
  gbk: boolean;
}

/** A large roster is answered 202 while its file job stages it; it is followed until staged. */
const ROSTER_WAIT_MS = 30 * 60_000;

/**
 * Stages a department's roster snapshot (maker); a second holder approves it (checker). A roster the
 * service stages in the background (202) is followed on its status URL until STAGED; FAILED exits 1.
 */
export async function stageRoster(client: ClientOptions, o: RosterStageOptions): Promise<RosterUpload> {
  const contentType = /\.xlsx$/i.test(o.file) ? XLSX_TYPE : o.gbk ? 'text/csv; charset=gbk' : 'text/csv';
  const rosters = typedClient('subsidy-service', client);
  const r = await callService(client, 'POST /v1/rosters', () =>
    rosters.POST('/v1/rosters', {
      params: { header: { 'X-Roster-Source': o.source, 'X-As-Of': o.asOf } },
      ...fileBody(Readable.toWeb(createReadStream(o.file)) as ReadableStream, contentType),
    }),
  );
  const first = expectData(r, 'the roster');
  let now = first;
  const until = Date.now() + ROSTER_WAIT_MS;
  while (now.status === 'PROCESSING') {
    if (Date.now() > until)
      throw new CliError(
        `roster ${first.uploadId} still PROCESSING after 30 minutes`,
        ExitCode.TimedOut,
        now,
      );
    await sleep(1000);
    now = expectData(
      await callService(client, `GET /v1/rosters/${first.uploadId}`, () =>
        rosters.GET('/v1/rosters/{id}', { params: { path: { id: first.uploadId } } }),
      ),
      'the roster status',
    );
  }
  if (now.status === 'FAILED')
    throw new CliError(
      `roster ${now.uploadId} failed: ${now.error ?? 'no reason given'}`,
      ExitCode.Failed,
      now,
    );
  return { ...now, sameContentAsEarlierUpload: first.sameContentAsEarlierUpload };
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
