// `npm run urrbmi -- <command>`: the command-line client for departments' systems and cron jobs
// (README, "Command-line client"). Exit codes: 0 done, 1 failed, 2 refused by the service (fix the
// request), 3 feed accepted with quarantined rows, 4 service unreachable after retries, 5 timed out.
import { Command, InvalidArgumentError } from 'commander';
import { pullCollectionRoster } from './collection-roster-pull';
import { pushFeed } from './feed-push';
import { decideRoster, stageRoster } from './roster-stage';
import { CliError, ClientOptions, ExitCode } from './service-client';

const DEFAULT_URLS = {
  feed: process.env.URRBMI_TAX_FEED_URL ?? 'http://127.0.0.1:3103',
  subsidy: process.env.URRBMI_SUBSIDY_URL ?? 'http://127.0.0.1:3102',
};

function date(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new InvalidArgumentError('expected YYYY-MM-DD');
  return value;
}

function client(url: string, opts: { key?: string; attempts: string }): ClientOptions {
  const apiKey = opts.key ?? process.env.URRBMI_API_KEY;
  if (!apiKey) throw new CliError('no API key: pass --key or set URRBMI_API_KEY', ExitCode.Failed);
  return {
    baseUrl: url.replace(/\/$/, ''),
    apiKey,
    attempts: Number(opts.attempts),
    log: (line) => console.error(line),
  };
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

const program = new Command('urrbmi')
  .description('Client of the URRBMI collection-season services for departments and cron jobs')
  .option('--key <apiKey>', 'API key (default: $URRBMI_API_KEY)')
  .option('--attempts <n>', 'attempts per request while the service is unreachable or busy', '5')
  .showHelpAfterError();

const feed = program.command('feed').description("the tax bureau's daily payment feed");
feed
  .command('push')
  .description("push a day's feed: control totals computed, retried safely, result awaited, rejects saved")
  .argument('<file>', 'the CSV file')
  .requiredOption('--date <YYYY-MM-DD>', 'payment date D of the feed', date)
  .requiredOption('--region <code>', '6-digit region code')
  .option('--gbk', 'the file is GBK-encoded', false)
  .option('--rejects <file>', 'write the quarantined rows and duplicates (JSON) here')
  .option('--wait <seconds>', 'how long to wait for a large feed to be applied', '3600')
  .option('--url <url>', 'tax-collection-feed-service', DEFAULT_URLS.feed)
  .option('--no-progress', 'no progress bars')
  .action(async (file: string, o) => {
    const { summary, exitCode } = await pushFeed(client(o.url, program.opts()), {
      file,
      feedDate: o.date,
      regionCode: o.region,
      gbk: o.gbk,
      rejectsFile: o.rejects,
      waitSeconds: Number(o.wait),
      progress: o.progress && process.stderr.isTTY,
    });
    print(summary);
    process.exitCode = exitCode;
  });

const roster = program.command('roster').description('subsidy rosters (花名册), maker and checker');
roster
  .command('stage')
  .description('stage a roster snapshot of one source as of a date (CSV, GBK CSV or XLSX)')
  .argument('<file>')
  .requiredOption('--source <source>', 'CIVIL_AFFAIRS, RURAL_REVITALIZATION, VETERANS, HEALTH, …')
  .requiredOption('--as-of <YYYY-MM-DD>', 'the date the snapshot describes', date)
  .option('--gbk', 'the CSV is GBK-encoded', false)
  .option('--url <url>', 'subsidy-service', DEFAULT_URLS.subsidy)
  .action(async (file: string, o) => {
    print(
      await stageRoster(client(o.url, program.opts()), { file, source: o.source, asOf: o.asOf, gbk: o.gbk }),
    );
  });
for (const decision of ['approve', 'reject'] as const) {
  roster
    .command(decision)
    .description(`${decision} a staged roster (a different key holder from the one who staged it)`)
    .argument('<rosterId>')
    .option('--note <text>', 'why')
    .option('--url <url>', 'subsidy-service', DEFAULT_URLS.subsidy)
    .action(async (rosterId: string, o) => {
      print(await decideRoster(client(o.url, program.opts()), rosterId, decision, o.note));
    });
}

program
  .command('collection-roster')
  .description('pull what changed in the collection roster since the cursor kept in a file')
  .requiredOption('--region <code>', '6-digit region code')
  .requiredOption('--season <year>', 'season', (v) => String(Number(v)))
  .requiredOption('--cursor-file <file>', 'where the cursor is kept between pulls (created if missing)')
  .requiredOption('--out <file>', 'where this increment is written')
  .option('--format <format>', 'csv or ndjson', 'csv')
  .option('--url <url>', 'tax-collection-feed-service', DEFAULT_URLS.feed)
  .action(async (o) => {
    print(
      await pullCollectionRoster(client(o.url, program.opts()), {
        region: o.region,
        season: Number(o.season),
        cursorFile: o.cursorFile,
        out: o.out,
        format: o.format === 'ndjson' ? 'ndjson' : 'csv',
      }),
    );
  });

program.parseAsync().catch((e: unknown) => {
  if (e instanceof CliError) {
    console.error(e.message);
    process.exitCode = e.exitCode;
  } else {
    console.error(e);
    process.exitCode = ExitCode.Failed;
  }
});
