import { createReadStream, statSync, writeFileSync } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { SingleBar } from 'cli-progress';
import { feedControlAmount } from '@urrbmi/contracts';
import { readTabularRows } from '@urrbmi/files';
import { callService, CliError, ClientOptions, ExitCode, expectJson } from './service-client';

export interface FeedPushOptions {
  file: string;
  feedDate: string;
  regionCode: string;
  gbk: boolean;
  rejectsFile?: string;
  waitSeconds: number;
  progress: boolean;
}

interface FeedSummary {
  feedId: string;
  status: 'PROCESSING' | 'ACCEPTED' | 'FAILED';
  rows: number;
  applied: number;
  reversed: number;
  duplicates: number;
  quarantined: number;
  appliedTotalFen: number;
  declared: { count: number; totalFen: number };
  sameFileAsEarlierPush?: boolean;
  error?: string | null;
  /** Where the feed's status is read while it is applied (also the Location of a 202). */
  statusUrl?: string;
}

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

function uploadBody(file: string, bar?: SingleBar): () => ReadableStream {
  return () => {
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
  };
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
  const r = await callService(client, 'POST', '/v1/feeds', {
    headers: {
      'content-type': contentType,
      'x-feed-date': o.feedDate,
      'x-region-code': o.regionCode,
      'x-record-count': String(totals.count),
      'x-total-amount-fen': String(totals.totalFen),
    },
    body: uploadBody(o.file, bar),
  });
  bar?.stop();
  let summary = await expectJson<FeedSummary>(r, 'the feed');
  // A large feed is answered 202 as soon as it is stored and its totals match: follow its status URL.
  const statusUrl = r.headers.get('location') ?? summary.statusUrl ?? `/v1/feeds/${summary.feedId}`;
  summary = await waitForFeed(client, summary, statusUrl, o);
  if (summary.status === 'FAILED')
    throw new CliError(
      `feed ${summary.feedId} failed: ${summary.error ?? 'no reason given'}`,
      ExitCode.Failed,
      summary,
    );
  if (o.rejectsFile) {
    const rejects = await expectJson<unknown>(
      await callService(client, 'GET', `/v1/feeds/${summary.feedId}/rejects`),
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
  statusUrl: string,
  o: FeedPushOptions,
): Promise<FeedSummary> {
  if (first.status !== 'PROCESSING') return first;
  const until = Date.now() + o.waitSeconds * 1000;
  const bar = o.progress ? new SingleBar({ format: 'applied [{bar}] {value}/{total} rows' }) : undefined;
  bar?.start(first.declared.count, first.rows);
  try {
    for (;;) {
      const now = await expectJson<FeedSummary>(
        await callService(client, 'GET', statusUrl),
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
