import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { DataSource, QueryRunner } from 'typeorm';
import { residentIdCheckChar } from '@urrbmi/domain';
import { DomainError } from '@urrbmi/platform';
import {
  PullCollectionRosterHandler,
  PullCollectionRosterQuery,
} from '../src/roster/pull-collection-roster.handler';
import { EnrolmentFact, RosterRepository } from '../src/roster/roster.repository';
import { taxFeedDataSource } from './tax-feed-database';

const id = (n: number) => {
  const first17 = `41142119800101${String(n).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
};

const registered = (n: number): EnrolmentFact => ({
  idNumber: id(n),
  season: 2023,
  regionCode: '411421',
  townshipCode: null,
  villageCode: null,
  name: `居民${n}`,
  enrollmentId: randomUUID(),
  registeredAt: '2023-10-01T08:00:00+08:00',
  version: 1,
  status: 'REGISTERED',
  registeredDueFen: 38000,
  placeholderDueFen: 38000,
  legacyActivation: false,
});

describe('collection roster pull against Postgres, with roster writers committing out of sequence order', () => {
  let ds: DataSource;
  let roster: RosterRepository;
  let pulls: PullCollectionRosterHandler;
  const open: QueryRunner[] = [];

  beforeAll(async () => {
    ds = await taxFeedDataSource('roster_pull', 6);
    roster = new RosterRepository(ds);
    pulls = new PullCollectionRosterHandler(roster);
  });

  afterEach(async () => {
    for (const t of open.splice(0)) {
      if (t.isTransactionActive) await t.rollbackTransaction();
      await t.release();
    }
  });

  afterAll(async () => {
    await ds?.destroy();
  });

  /** A consumer's transaction that has written the roster and not committed yet. */
  async function writing(facts: EnrolmentFact[]): Promise<QueryRunner> {
    const t = ds.createQueryRunner();
    open.push(t);
    await t.connect();
    await t.startTransaction();
    await roster.applyEnrolmentFacts(t.manager, facts);
    return t;
  }

  async function pull(cursor: string): Promise<{ ids: string[]; next: string }> {
    const answer = await pulls.execute(
      PullCollectionRosterQuery.create({ region: '411421', season: 2023, cursor, format: 'ndjson' }),
    );
    let body = '';
    await answer.writeTo(
      new Writable({
        write: (chunk: Buffer, _e, cb) => {
          body += chunk.toString();
          cb();
        },
      }),
    );
    const ids = body
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { idNumber: string }).idNumber);
    return { ids, next: answer.nextCursor };
  }

  it('never lets a cursor pass a change whose transaction drew its sequence value first and commits last', async () => {
    const before = await pull('0');
    const slow = await writing([registered(1)]);
    const quick = await writing([registered(2)]);
    await quick.commitTransaction();
    // The quick one's change is committed, but the slow one (drew its value earlier) still runs: a
    // cursor after the quick change would skip the slow one's forever. The pull waits for it a while,
    // then serves nothing past it.
    const started = Date.now();
    const meanwhile = await pull(before.next);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_900);
    expect(meanwhile.ids).toEqual([]);
    expect(meanwhile.next).toBe(before.next);

    await slow.commitTransaction();
    const seqs: { seq: string }[] = await ds.query(
      `SELECT change_seq::text AS seq FROM tax_feed.roster WHERE id_number = ANY($1) ORDER BY id_number`,
      [[id(1), id(2)]],
    );
    expect(BigInt(seqs[0].seq)).toBeLessThan(BigInt(seqs[1].seq));
    const after = await pull(meanwhile.next);
    expect(after.ids).toEqual([id(1), id(2)]);
    expect((await pull(after.next)).ids).toEqual([]);
  }, 30_000);

  it('carries what was committed before it started once the transactions running then end', async () => {
    const before = await pull('0');
    const slow = await writing([registered(3)]);
    const quick = await writing([registered(4)]);
    await quick.commitTransaction();
    const answer = pull(before.next);
    setTimeout(() => void slow.commitTransaction(), 300);
    const got = await answer;
    expect(got.ids).toEqual([id(3), id(4)]);
    expect((await pull(got.next)).ids).toEqual([]);
  }, 30_000);

  it('reads a plain cursor from before transaction order as that change with transaction 0', async () => {
    await ds.query(`UPDATE tax_feed.roster SET change_xid = '0' WHERE id_number = ANY($1)`, [[id(1), id(2)]]);
    const [{ seq }]: { seq: string }[] = await ds.query(
      `SELECT change_seq::text AS seq FROM tax_feed.roster WHERE id_number = $1`,
      [id(1)],
    );
    const got = await pull(seq);
    expect(got.ids).toEqual([id(2), id(3), id(4)]);
    expect(got.next).toMatch(/^[1-9]\d*\.\d+$/);
  }, 30_000);

  it('refuses a cursor it did not hand out, before reading anything', () => {
    for (const cursor of ['abc', '1.2.3', '-1', '1.', '12345678901234567890123.1']) {
      expect(() =>
        PullCollectionRosterQuery.create({ region: '411421', season: 2023, cursor, format: 'csv' }),
      ).toThrow(DomainError);
    }
  });
});
