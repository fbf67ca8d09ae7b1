import { createReadStream, statSync, writeFileSync } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { SingleBar } from 'cli-progress';
import { feedControlAmount } from '@urrbmi/contracts';
import { fileBody, Schema } from '@urrbmi/contracts/openapi';
import { readTabularRows } from '@urrbmi/files';
import { callService, CliError, ClientOptions, ExitCode, expectData, typedClient } from './service-client';

export interface FeedPushOptions {
  file: string;
  feedDate: string;
  regionCode: string;
  gbk: boolean;
  rejectsFile?: string;
  waitSeconds: number;
  progress: boolean;
}

type FeedSummary = Schema<'tax-collection-feed-service', 'FeedSummaryView'> & {
  sameFileAsEarlierPush?: boolean;
  error?: string | null;
  /** Where the feed's status is read while it is applied (also the Location of a 202). */
  statusUrl?: string;
};

/** X-Record-Count and X-Total-Amount-Fen, counted the way the service checks them. */
export async function feedControlTotals(
  file: string,
  contentType: string,
): Promise<{ count: number; totalFen: number }> {
  let count = 0;
  let totalFen = 0;
  for await (const row of readTabularRows(file, contentType)) {
    count++;
    totalFen += feedControlAmount(row.values.amount_fen);
  }
  return { count, totalFen };
}

function uploadBody(file: string, bar?: SingleBar): ReadableStream {
  {
    let sent = 0;
    bar?.update(0);
    const meter = new Transform({
      transform(chunk: Buffer, _e, done) {
        sent += chunk.length;
        bar?.update(sent);
        done(null, chunk);
      },
    });
    return Readable.toWeb(createReadStream(file).pipe(meter)) as ReadableStream;
  }
}

/**
 * Pushes one day's feed: totals computed here, the upload retried safely (the service recognises the
 * same bytes and answers with the first result), then waits for the result and saves the rejects.
 */
export async function pushFeed(
  client: ClientOptions,
  o: FeedPushOptions,
): Promise<{ summary: FeedSummary; exitCode: number }> {
  const contentType = o.gbk ? 'text/csv; charset=gbk' : 'text/csv';
  const totals = await feedControlTotals(o.file, contentType);
  client.log?.(`control totals: ${totals.count} rows, ${totals.totalFen} fen`);
  const size = statSync(o.file).size;
  const bar = o.progress
    ? new SingleBar({ format: 'upload  [{bar}] {percentage}% {value}/{total} bytes' })
    : undefined;
  bar?.start(size, 0);
  const feeds = typedClient('tax-collection-feed-service', client);
  const pushed = await callService(client, 'POST /v1/feeds', () =>
    feeds.POST('/v1/feeds', {
      params: {
        header: {
          'X-Feed-Date': o.feedDate,
          'X-Region-Code': o.regionCode,
          'X-Record-Count': String(totals.count),
          'X-Total-Amount-Fen': String(totals.totalFen),
        },
      },
      ...fileBody(uploadBody(o.file, bar), contentType),
    }),
  );
  bar?.stop();
  let summary: FeedSummary = expectData(pushed, 'the feed');
  // A large feed is answered 202 as soon as it is stored and its totals match: its status is followed.
  summary = await waitForFeed(client, summary, o);
  if (summary.status === 'FAILED')
    throw new CliError(
      `feed ${summary.feedId} failed: ${summary.error ?? 'no reason given'}`,
      ExitCode.Failed,
      summary,
    );
  if (o.rejectsFile) {
    const feedId = summary.feedId;
    const rejects = expectData(
      await callService(client, `GET /v1/feeds/${feedId}/rejects`, () =>
        feeds.GET('/v1/feeds/{id}/rejects', { params: { path: { id: feedId } } }),
      ),
      'the rejects',
    );
    writeFileSync(o.rejectsFile, `${JSON.stringify(rejects, null, 2)}\n`);
  }
  const exitCode = summary.quarantined > 0 ? ExitCode.AcceptedWithRejects : ExitCode.Done;
  return { summary, exitCode };
}

/** A large feed is answered (202) while still PROCESSING: poll its status URL until it is done. */
async function waitForFeed(
  client: ClientOptions,
  first: FeedSummary,
  o: FeedPushOptions,
): Promise<FeedSummary> {
  if (first.status !== 'PROCESSING') return first;
  const feeds = typedClient('tax-collection-feed-service', client);
  const until = Date.now() + o.waitSeconds * 1000;
  const bar = o.progress ? new SingleBar({ format: 'applied [{bar}] {value}/{total} rows' }) : undefined;
  bar?.start(first.declared.count, first.rows);
  try {
    for (;;) {
      const now = expectData(
        await callService(client, `GET /v1/feeds/${first.feedId}`, () =>
          feeds.GET('/v1/feeds/{id}', { params: { path: { id: first.feedId } } }),
        ),
        'the feed status',
      );
      bar?.update(now.rows);
      if (now.status !== 'PROCESSING') return { ...now, sameFileAsEarlierPush: first.sameFileAsEarlierPush };
      if (Date.now() > until)
        throw new CliError(
          `feed ${first.feedId} still PROCESSING after ${o.waitSeconds} s`,
          ExitCode.TimedOut,
          now,
        );
      await sleep(1000);
    }
  } finally {
    bar?.stop();
  }
}
