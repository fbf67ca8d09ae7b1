import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { randomUUID } from 'node:crypto';
import { residentIdCheckChar } from '@urrbmi/domain';
import { EventInjector } from './support/events';
import { ServiceUnderTest, startServiceUnderTest, TEST_KEYS, waitFor } from './support/services';

// Files that clerks open: the collection roster read back with a real CSV parser gives the stored
// names byte for byte (RFC 4180), a would-be formula is neutralised, and XLSX keeps names as text.

function idOf(n: number): string {
  const first17 = `411421${'19850505'}${String(n).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

const NAMES = [
  '欧阳,明',
  '=HYPERLINK("http://evil.example","点我")',
  '王"小"二',
  '+1 张三',
  '李\n四',
  '@SUM(A1)',
];

describe('tax-collection-feed-service: the collection roster as CSV and XLSX', () => {
  let under: ServiceUnderTest;
  const tax = TEST_KEYS.tax.key;
  const people = NAMES.map((name, i) => ({ id: idOf(i + 1), name }));

  const pull = (format: string) =>
    fetch(`${under.svc.url}/v1/collection-roster?region=411421&season=2023&format=${format}`, {
      headers: { authorization: `Bearer ${tax}` },
    });

  beforeAll(async () => {
    under = await startServiceUnderTest('tax-collection-feed-service', 19340, 'fidelity_roster', {
      CLOCK_START: '2023-10-20T10:00:00+08:00',
    });
    const inject = new EventInjector(under.prefix);
    await inject.send(
      people.map((p) =>
        inject.envelope('enrollment.registered', {
          enrollmentId: randomUUID(),
          idNumber: p.id,
          name: p.name,
          season: 2023,
          regionCode: '411421',
          townshipCode: '411421100',
          kind: 'NEW',
          policyId: '411421-2023',
          amountDueFen: 38000,
          registeredAt: '2023-10-20T10:00:00+08:00',
        }),
      ),
    );
    await waitFor(
      'roster rows',
      async () =>
        (await under.db.query(`SELECT count(*)::int AS n FROM tax_feed.roster WHERE region_code = '411421'`))
          .rows[0].n,
      (n) => n === people.length,
      120_000,
    );
  }, 240_000);

  afterAll(async () => {
    await under?.stop();
  });

  it('CSV read back with csv-parse equals the stored names byte for byte; formulas are neutralised', async () => {
    const r = await pull('csv');
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const body = Buffer.from(await r.arrayBuffer());
    const rows = parse(body, { columns: true }) as Record<string, string>[];
    const stored = new Map<string, string>(
      (await under.db.query(`SELECT id_number, name FROM tax_feed.roster`)).rows.map(
        (x: { id_number: string; name: string }) => [x.id_number, x.name],
      ),
    );
    expect(rows).toHaveLength(people.length);
    const formula = /^[=+\-@]/;
    for (const row of rows) {
      const name = stored.get(row.id_number)!;
      const expected = formula.test(name) ? `'${name}` : name;
      expect(Buffer.from(row.name, 'utf8').equals(Buffer.from(expected, 'utf8'))).toBe(true);
      expect(row).toMatchObject({ region_code: '411421', season: '2023', amount_due_fen: '38000' });
    }
    const byId = new Map(rows.map((x) => [x.id_number, x.name]));
    expect(byId.get(people[0].id)).toBe('欧阳,明');
    expect(byId.get(people[1].id)).toBe(`'=HYPERLINK("http://evil.example","点我")`);
    expect(byId.get(people[3].id)).toBe("'+1 张三");
    expect(byId.get(people[5].id)).toBe("'@SUM(A1)");
    // The raw bytes: the comma is inside quotes, not turned into a space; lines end in CRLF.
    expect(body.toString('utf8')).toContain(`${people[0].id},"欧阳,明",411421`);
    expect(body.toString('utf8').startsWith('id_number,name,region_code,')).toBe(true);
    expect(body.toString('utf8').split('\r\n')[0]).toBe(
      'id_number,name,region_code,township_code,village_code,season,status,amount_due_fen,change_seq',
    );
  });

  it('XLSX beside it keeps every name exactly, as text, never a formula', async () => {
    const r = await pull('xlsx');
    expect(r.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await r.arrayBuffer()) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    const names = new Map<string, unknown>();
    ws.eachRow((row, n) => {
      if (n === 1) {
        expect(row.getCell(1).value).toBe('id_number');
        return;
      }
      expect(row.getCell(2).formula).toBeUndefined();
      names.set(String(row.getCell(1).value), row.getCell(2).value);
    });
    expect(Object.fromEntries(names)).toEqual(Object.fromEntries(people.map((p) => [p.id, p.name])));
  });
});
