import { createWriteStream, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { COLLECTION_ROSTER_CURSOR } from '@urrbmi/contracts';
import { callService, CliError, ClientOptions, ExitCode, typedClient } from './service-client';

export interface RosterPullOptions {
  region: string;
  season: number;
  cursorFile: string;
  out: string;
  format: 'csv' | 'ndjson';
}

/**
 * One increment of the collection roster: what changed since the cursor kept in `cursorFile`. The
 * cursor moves only after the increment is on disk, so a pull that dies half-way is simply repeated.
 */
export async function pullCollectionRoster(
  client: ClientOptions,
  o: RosterPullOptions,
): Promise<{ cursor: string; nextCursor: string }> {
  const cursor = existsSync(o.cursorFile) ? readFileSync(o.cursorFile, 'utf8').trim() || '0' : '0';
  if (!COLLECTION_ROSTER_CURSOR.test(cursor))
    throw new CliError(
      `${o.cursorFile} does not hold a cursor (got "${cursor.slice(0, 20)}")`,
      ExitCode.Failed,
    );
  const feeds = typedClient('tax-collection-feed-service', client);
  const { response: r, error } = await callService(client, 'GET /v1/collection-roster', () =>
    feeds.GET('/v1/collection-roster', {
      params: { query: { region: o.region, season: o.season, cursor, format: o.format } },
      parseAs: 'stream',
    }),
  );
  if (!r.ok)
    throw new CliError(
      `the collection roster refused (${r.status}): ${JSON.stringify(error)}`,
      ExitCode.Refused,
      error,
    );
  const nextCursor = r.headers.get('x-next-cursor');
  if (!nextCursor || !COLLECTION_ROSTER_CURSOR.test(nextCursor))
    throw new CliError('the collection roster answered without X-Next-Cursor', ExitCode.Failed);
  const partial = `${o.out}.part`;
  await pipeline(
    Readable.fromWeb(r.body as import('node:stream/web').ReadableStream),
    createWriteStream(partial),
  );
  renameSync(partial, o.out);
  writeFileSync(`${o.cursorFile}.part`, `${nextCursor}\n`);
  renameSync(`${o.cursorFile}.part`, o.cursorFile);
  return { cursor, nextCursor };
}
