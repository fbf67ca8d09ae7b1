import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { urrbmi } from './support/cli';
import { EventInjector } from './support/events';
import { feedCsv, FeedLine, minquanId } from './support/feeds';
import { ServiceUnderTest, startServiceUnderTest, waitFor } from './support/services';

describe('urrbmi command-line client against the running tax feed service', () => {
  let under: ServiceUnderTest;
  const dir = mkdtempSync(path.join(tmpdir(), 'urrbmi-cli-'));

  beforeAll(async () => {
    under = await startServiceUnderTest('tax-collection-feed-service', 21010, 'cli', {
      CLOCK_START: '2023-10-21T09:00:00+08:00',
    });
  });

  afterAll(async () => {
    await under?.stop();
  });

  it('pushes the same feed twice: one result, nothing counted twice, rejects saved, exit 3 for quarantined rows', async () => {
    const lines: FeedLine[] = Array.from({ length: 40 }, (_, i) => ({
      voucher: `CLI-${i}`,
      id: minquanId(500 + i),
      amount: 38000,
    }));
    lines.push({ voucher: 'CLI-BAD', id: '411421197001010000', amount: 38000 });
    const file = path.join(dir, 'feed-2023-10-20.csv');
    writeFileSync(file, feedCsv(lines));
    const args = ['feed', 'push', file, '--date', '2023-10-20', '--region', '411421', '--no-progress'];

    const first = await urrbmi([...args, '--rejects', path.join(dir, 'rejects.json')], under.svc.url);
    expect(first.stderr).toContain('control totals: 41 rows, 1558000 fen');
    expect(first.code).toBe(3);
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({
      status: 'ACCEPTED',
      applied: 40,
      quarantined: 1,
      appliedTotalFen: 1_520_000,
    });
    const rejects = JSON.parse(readFileSync(path.join(dir, 'rejects.json'), 'utf8'));
    expect(rejects.rows).toHaveLength(1);
    expect(rejects.rows[0]).toMatchObject({ kind: 'QUARANTINED', code: 'BAD_ID_NUMBER', line: 42 });

    const again = await urrbmi(args, under.svc.url);
    expect(again.code).toBe(3);
    expect(JSON.parse(again.stdout)).toMatchObject({ feedId: summary.feedId, sameFileAsEarlierPush: true });
    const { rows } = await under.db.query(
      `SELECT count(*)::int AS n, sum(amount_fen)::int AS fen FROM tax_feed.payments WHERE voucher_no LIKE 'CLI-%'`,
    );
    expect(rows[0]).toEqual({ n: 40, fen: 1_520_000 });
  });

  it('exits 2 with the service message when the request is refused, and 4 when nothing answers', async () => {
    const file = path.join(dir, 'feed-bad-date.csv');
    writeFileSync(file, feedCsv([{ voucher: 'CLI-X', id: minquanId(600), amount: 38000 }]));
    const refused = await urrbmi(
      ['feed', 'push', file, '--date', '2023-10-20', '--region', '999999'],
      under.svc.url,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'the feed refused (400): X-Region-Code 999999 is not a region with a policy',
    );
    const away = await urrbmi(
      ['feed', 'push', file, '--date', '2023-10-20', '--region', '411421', '--attempts', '2'],
      'http://127.0.0.1:1',
    );
    expect(away.code).toBe(4);
    expect(away.stderr).toContain('POST /v1/feeds failed 2 times');
  });

  it('pulls the collection roster in two increments whose union equals one full pull', async () => {
    const injector = new EventInjector(under.prefix);
    const registered = (n: number) =>
      injector.envelope('enrollment.registered', {
        enrollmentId: randomUUID(),
        idNumber: minquanId(700 + n),
        name: n === 0 ? '欧阳,明' : `参保人${n}`,
        season: 2023,
        regionCode: '411421',
        kind: 'RENEWAL',
        policyId: '411421-2023',
        amountDueFen: 38000,
        registeredAt: '2023-10-20T09:00:00.000+08:00',
      });
    const rosterRows = async () =>
      (
        await under.db.query(
          `SELECT count(*)::int AS n FROM tax_feed.roster WHERE id_number LIKE '41142119700101%'`,
        )
      ).rows[0].n as number;
    const pull = (cursorFile: string, out: string) =>
      urrbmi(
        [
          'collection-roster',
          '--region',
          '411421',
          '--season',
          '2023',
          '--cursor-file',
          cursorFile,
          '--out',
          out,
        ],
        under.svc.url,
      );
    const read = (file: string) =>
      parse(readFileSync(file), { columns: true }) as { id_number: string; name: string; status: string }[];

    await injector.send([0, 1, 2].map(registered));
    await waitFor('3 roster rows', rosterRows, (n) => n >= 3);
    const cursor = path.join(dir, 'cursor');
    expect((await pull(cursor, path.join(dir, 'inc1.csv'))).code).toBe(0);
    await injector.send([3, 4].map(registered));
    await waitFor('5 roster rows', rosterRows, (n) => n >= 5);
    expect((await pull(cursor, path.join(dir, 'inc2.csv'))).code).toBe(0);
    expect((await pull(path.join(dir, 'fresh-cursor'), path.join(dir, 'full.csv'))).code).toBe(0);

    const first = read(path.join(dir, 'inc1.csv'));
    const second = read(path.join(dir, 'inc2.csv'));
    const full = read(path.join(dir, 'full.csv'));
    expect(first).toHaveLength(3);
    expect(second).toHaveLength(2);
    const ids = (rows: { id_number: string }[]) => rows.map((r) => r.id_number).sort();
    expect(ids([...first, ...second])).toEqual(ids(full));
    expect(readFileSync(cursor, 'utf8').trim()).toBe(
      readFileSync(path.join(dir, 'fresh-cursor'), 'utf8').trim(),
    );
  });
});
