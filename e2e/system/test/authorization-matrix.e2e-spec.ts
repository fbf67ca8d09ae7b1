import ExcelJS from 'exceljs';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import {
  Access,
  admits,
  MATRIX_ROLES,
  MatrixRole,
  README_TABLE_END,
  README_TABLE_START,
  renderAuthorizationTable,
  ROUTE_ACCESS,
} from './support/authorization-matrix';
import { EventInjector } from './support/events';
import { shandanId } from './support/resident-ids';
import {
  freshDatabase,
  REPO_ROOT,
  SERVICES,
  ServiceName,
  ServiceProcess,
  spawnService,
  waitFor,
  waitReady,
  writeKeysFile,
} from './support/services';

/**
 * Who may call what, checked against the running services: every route they serve (read from
 * their OpenAPI documents, which Nest makes from its route metadata) must be in the expectations
 * table of support/authorization-matrix.ts, and every role gets exactly what the table says —
 * admitted (neither 401 nor 403), refused with 403, no key 401. Then two townships side by side:
 * township A's key sees nothing of township B's enrolments, batches, refunds and reporting rows.
 */

const BASE_PORT = 21300;
const A = '620725100'; // 清泉镇
const B = '620725101';

const key = (role: string) => `authz-key-${role.replace(/[^a-z0-9]/g, '-')}-0123456789`;
const KEYS: Record<MatrixRole | 'townshipB', { holder: string; role: string; key: string }> = {
  ...(Object.fromEntries(
    MATRIX_ROLES.map((r) => {
      const role = r === 'township' ? `township:${A}` : r;
      return [r, { holder: `authz-${r}`, role, key: key(role) }];
    }),
  ) as Record<MatrixRole, { holder: string; role: string; key: string }>),
  townshipB: { holder: 'authz-township-b', role: `township:${B}`, key: key(`township:${B}`) },
};

interface Reply {
  status: number;
  text: string;
  body: Record<string, unknown>;
  contentType: string;
  bytes: Buffer;
}

async function call(
  base: string,
  method: string,
  route: string,
  apiKey?: string,
  body?: string,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): Promise<Reply> {
  const r = await fetch(`${base}${route}`, {
    method,
    headers: {
      ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
      ...(body !== undefined ? { 'content-type': contentType } : {}),
      ...headers,
    },
    body,
  });
  const bytes = Buffer.from(await r.arrayBuffer());
  const text = bytes.toString('utf8');
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    // CSV, XLSX or HTML
  }
  return { status: r.status, text, body: parsed, contentType: r.headers.get('content-type') ?? '', bytes };
}

/** Every value of a reply, XLSX cells included, as one string to search for what must not be there. */
async function visibleText(r: Reply): Promise<string> {
  if (!r.contentType.includes('spreadsheetml')) return r.text;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(r.bytes as unknown as ArrayBuffer);
  const out: string[] = [];
  wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => out.push(String(c.value)))));
  return out.join('\n');
}

/** A concrete path for a route template: each `{param}` filled with a value the route accepts. */
function probePath(template: string): string {
  const values: Record<string, string> = {
    id: randomUUID(),
    idNumber: shandanId(990, '19700101'),
    season: '2021',
    kind: 'no-such-kind',
  };
  return template.replace(/\{(\w+)\}/g, (_, p: string) => values[p] ?? 'x');
}

const ROLE_REFUSAL = /^role \S+ may not call this endpoint \(allowed: /;

describe('authorization matrix: every route x every role, and townships kept apart', () => {
  const services = new Map<ServiceName, ServiceProcess>();
  const prefix = `${process.env.KAFKA_TOPIC_PREFIX}authz.`;
  const inject = new EventInjector(prefix);
  let db: Client;
  const url = (name: ServiceName) => services.get(name)!.url;

  beforeAll(async () => {
    const dbUrl = await freshDatabase('authz');
    const env = {
      DATABASE_URL: dbUrl,
      API_KEYS_FILE: writeKeysFile(Object.values(KEYS)),
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_PARTITIONS: '2',
      SUBSIDY_MATCH_SCHEDULE: 'off',
    };
    // Shandan's 2021 season: enrolment in its window, the refund desk in January 2022.
    const clocks: Partial<Record<ServiceName, string>> = {
      'enrollment-service': '2021-10-15T10:00:00+08:00',
      'refund-service': '2022-01-10T10:00:00+08:00',
    };
    for (const name of Object.keys(SERVICES) as ServiceName[])
      services.set(
        name,
        spawnService(name, BASE_PORT, { ...env, ...(clocks[name] ? { CLOCK_START: clocks[name] } : {}) }),
      );
    // Five services booting at once on a shared two-core machine: give them time.
    await Promise.all([...services.values()].map((s) => waitReady(s, 300_000)));
    db = new Client({ connectionString: dbUrl });
    await db.connect();
  }, 400_000);

  afterAll(async () => {
    await Promise.all([...services.values()].map((s) => s.stop()));
    await db?.end();
  });

  /** `METHOD /path` of every operation in a service's OpenAPI document. */
  async function servedRoutes(name: ServiceName): Promise<string[]> {
    const doc = (await call(url(name), 'GET', '/docs-json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    return Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => `${m.toUpperCase()} ${p}`),
    );
  }

  it('has an expectation for every route the services serve, and none for a route they do not', async () => {
    for (const name of Object.keys(SERVICES) as ServiceName[]) {
      const served = (await servedRoutes(name)).sort();
      const expected = Object.keys(ROUTE_ACCESS[name] ?? {}).sort();
      const missing = served.filter((r) => !expected.includes(r));
      const stale = expected.filter((r) => !served.includes(r));
      // A new route fails here until support/authorization-matrix.ts says who may call it.
      expect({ service: name, missing, stale }).toEqual({ service: name, missing: [], stale: [] });
      expect(served.length).toBeGreaterThan(3);
    }
  });

  it('admits exactly the roles of the table on every route (others 403, no key 401)', async () => {
    const wrong: string[] = [];
    for (const name of Object.keys(SERVICES) as ServiceName[]) {
      for (const route of await servedRoutes(name)) {
        const access: Access | undefined = ROUTE_ACCESS[name]?.[route];
        if (!access) continue; // reported by the test above
        const [method, template] = route.split(' ');
        const probe = () =>
          // An empty JSON body: admitted callers get past authorization to validation (4xx), nothing applied.
          [probePath(template), method === 'GET' ? undefined : '{}'] as const;
        const anonymous = await call(url(name), method, ...probe());
        if (access === 'public') {
          if ([401, 403].includes(anonymous.status))
            wrong.push(`${name} ${route} without a key: ${anonymous.status}`);
          continue;
        }
        if (anonymous.status !== 401)
          wrong.push(`${name} ${route} without a key: ${anonymous.status}, not 401`);
        for (const role of MATRIX_ROLES) {
          const [p, body] = probe();
          const r = await call(url(name), method, p, KEYS[role].key, body);
          if (admits(access, role)) {
            if (r.status === 401 || r.status === 403)
              wrong.push(
                `${name} ${route} as ${role}: ${r.status} ${r.text.slice(0, 160)}, expected admitted`,
              );
          } else if (r.status !== 403 || !ROLE_REFUSAL.test(String(r.body.message))) {
            wrong.push(
              `${name} ${route} as ${role}: ${r.status} ${r.text.slice(0, 160)}, expected 403 for the role`,
            );
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('matches the role x route table in README.md', async () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf(README_TABLE_START);
    const end = readme.indexOf(README_TABLE_END);
    expect(start).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    expect(readme.slice(start + README_TABLE_START.length, end).trim()).toBe(
      renderAuthorizationTable().trim(),
    );
  });

  describe('township A sees nothing of township B', () => {
    const pA = shandanId(301, '19750505');
    const pB = shandanId(302, '19750505');
    const pB2 = shandanId(303, '19750505');
    const nameB = '乙镇居民';
    const nameB2 = '乙镇新生';
    let enrolmentB = '';
    let batchB = '';
    let refundB = '';

    const registration = (idNumber: string, name: string, area: object) => ({
      idNumber,
      name,
      season: 2021,
      regionCode: '620725',
      kind: 'NEW',
      ...area,
    });
    const postJson = (name: ServiceName, route: string, apiKey: string, body: object) =>
      call(url(name), 'POST', route, apiKey, JSON.stringify(body));
    const enrolmentsOf = async (idNumber: string) =>
      (
        await db.query(`SELECT id, status, township_code FROM enrollment.enrollments WHERE id_number = $1`, [
          idNumber,
        ])
      ).rows;

    beforeAll(async () => {
      const a = await postJson(
        'enrollment-service',
        '/v1/enrollments',
        KEYS.mib.key,
        registration(pA, '甲镇居民', { townshipCode: A }),
      );
      expect(a.status).toBe(201);
      const b = await postJson(
        'enrollment-service',
        '/v1/enrollments',
        KEYS.townshipB.key,
        registration(pB, nameB, { townshipCode: B, villageCode: `${B}001` }),
      );
      expect(b.status).toBe(201);
      enrolmentB = String(b.body.enrollmentId);
    });

    it("registers only in the key's own county, township and villages; a 409 names no other area's enrolment", async () => {
      const pX = shandanId(304, '19750505');
      const refusals = [
        registration(pX, '越界', { townshipCode: A, regionCode: '620722' }), // another county
        registration(pX, '越界', { townshipCode: A, villageCode: `${B}001` }), // B's village
        registration(pX, '越界', { townshipCode: B }),
        registration(pX, '越界', {}), // no township at all
      ];
      for (const body of refusals) {
        const r = await postJson('enrollment-service', '/v1/enrollments', KEYS.township.key, body);
        expect({ body, status: r.status, message: r.body.message }).toEqual({
          body,
          status: 403,
          message: `township ${A} may only see its own area`,
        });
      }
      expect(await enrolmentsOf(pX)).toEqual([]);

      // B's person registered again by A: the conflict, but neither B's enrolment id nor its status.
      const again = await postJson(
        'enrollment-service',
        '/v1/enrollments',
        KEYS.township.key,
        registration(pB, nameB, { townshipCode: A }),
      );
      expect(again.body).toEqual({
        statusCode: 409,
        error: 'Conflict',
        message: 'person is already enrolled for season 2021',
        details: { code: 'ALREADY_ENROLLED' },
      });
      expect(again.text).not.toContain(enrolmentB);
      // Whoever may see B's area still learns which enrolment stands in the way.
      for (const k of [KEYS.mib.key, KEYS.townshipB.key]) {
        const seen = await postJson(
          'enrollment-service',
          '/v1/enrollments',
          k,
          registration(pB, nameB, { townshipCode: B }),
        );
        expect(seen.body.details).toEqual({
          code: 'ALREADY_ENROLLED',
          info: { enrollmentId: enrolmentB, status: 'REGISTERED' },
        });
      }
      // A village of its own is fine.
      const own = await postJson(
        'enrollment-service',
        '/v1/enrollments',
        KEYS.township.key,
        registration(pX, '本镇', { townshipCode: A, villageCode: `${A}002` }),
      );
      expect(own.status).toBe(201);
    });

    it("neither shows nor cancels B's enrolment to A", async () => {
      const view = await call(
        url('enrollment-service'),
        'GET',
        `/v1/persons/${pB}/seasons/2021`,
        KEYS.township.key,
      );
      expect(view.status).toBe(403);
      for (const secret of [pB, nameB, enrolmentB]) expect(view.text).not.toContain(secret);
      const cancel = await postJson(
        'enrollment-service',
        `/v1/enrollments/${enrolmentB}/cancel`,
        KEYS.township.key,
        {
          reason: 'DEATH',
        },
      );
      expect(cancel.status).toBe(403);
      expect(await enrolmentsOf(pB)).toEqual([{ id: enrolmentB, status: 'REGISTERED', township_code: B }]);
    });

    it("keeps batches per area: B's batch is not A's to read, and the same bytes from A are A's own batch", async () => {
      const csv =
        'id_number,name,season,region_code,township_code,village_code,kind\n' +
        `${pB2},${nameB2},2021,620725,${B},${B}002,NEW\n` +
        `${pB2.slice(0, 17)}${pB2[17] === '1' ? '2' : '1'},坏行,2021,620725,${B},,NEW\n`;
      const upload = (k: string) =>
        call(url('enrollment-service'), 'POST', '/v1/enrollments/batch', k, csv, 'text/csv');
      const done = (id: string, k: string) =>
        waitFor(
          `batch ${id} done`,
          async () => (await call(url('enrollment-service'), 'GET', `/v1/enrollments/batch/${id}`, k)).body,
          (b) => b.status === 'DONE' || b.status === 'FAILED',
        );
      const fromB = await upload(KEYS.townshipB.key);
      expect(fromB.status).toBe(202);
      batchB = String(fromB.body.batchId);
      expect(await done(batchB, KEYS.townshipB.key)).toMatchObject({
        status: 'DONE',
        accepted: 1,
        rejected: 1,
      });

      // The same bytes from A: a batch of A's own; nothing says B sent them, and B's rows are refused as outside A's area.
      const fromA = await upload(KEYS.township.key);
      expect(fromA.status).toBe(202);
      expect(fromA.body).toMatchObject({ sameContentAsEarlierBatch: false });
      expect(fromA.body.batchId).not.toBe(batchB);
      expect(fromA.text).not.toContain(KEYS.townshipB.holder);
      const batchA = String(fromA.body.batchId);
      expect(await done(batchA, KEYS.township.key)).toMatchObject({
        status: 'DONE',
        accepted: 0,
        rejected: 2,
      });
      const rejectsA = await call(
        url('enrollment-service'),
        'GET',
        `/v1/enrollments/batch/${batchA}/rejects`,
        KEYS.township.key,
      );
      expect(rejectsA.text).toContain(
        `2,620725********${pB2.slice(14)},OUTSIDE_AREA,township ${A} may only see its own area`,
      );
      // The same bytes from B again are B's first batch.
      const repeat = await upload(KEYS.townshipB.key);
      expect(repeat.status).toBe(200);
      expect(repeat.body).toMatchObject({ batchId: batchB, sameContentAsEarlierBatch: true });

      for (const route of [`/v1/enrollments/batch/${batchB}`, `/v1/enrollments/batch/${batchB}/rejects`]) {
        const r = await call(url('enrollment-service'), 'GET', route, KEYS.township.key);
        expect({ route, status: r.status }).toEqual({ route, status: 404 });
        expect(r.text).not.toContain(pB2.slice(14));
        // B itself and the county see it.
        expect((await call(url('enrollment-service'), 'GET', route, KEYS.townshipB.key)).status).toBe(200);
        expect((await call(url('enrollment-service'), 'GET', route, KEYS.mib.key)).status).toBe(200);
      }
      // ops sees the queue and its counts, never the rejected persons.
      expect(
        (await call(url('enrollment-service'), 'GET', `/v1/enrollments/batch/${batchB}`, KEYS.ops.key)).body,
      ).toMatchObject({
        status: 'DONE',
        accepted: 1,
        rejected: 1,
      });
      expect(
        (
          await call(
            url('enrollment-service'),
            'GET',
            `/v1/enrollments/batch/${batchB}/rejects`,
            KEYS.ops.key,
          )
        ).status,
      ).toBe(403);
    });

    it("lists no death list of B's to A, and lets only B's own checker decide it", async () => {
      const enrollment = url('enrollment-service');
      const list = await call(
        enrollment,
        'POST',
        '/v1/enrollments/batch',
        KEYS.townshipB.key,
        `id_number,season,date_of_death\n${pB2},2021,2021-10-01\n`,
        'text/csv',
        { 'x-batch-type': 'DEATHS' },
      );
      expect(list.status).toBe(202);
      const id = String(list.body.batchId);
      expect(
        await waitFor(
          `death list ${id} done`,
          async () => (await call(enrollment, 'GET', `/v1/enrollments/batch/${id}`, KEYS.townshipB.key)).body,
          (b) => b.status === 'DONE',
        ),
      ).toMatchObject({ accepted: 1, deathList: { status: 'PENDING_CONFIRMATION', held: 1 } });
      const pendingA = await call(enrollment, 'GET', '/v1/enrollments/batch', KEYS.township.key);
      expect(pendingA.status).toBe(200);
      expect(pendingA.text).not.toContain(id);
      expect((await call(enrollment, 'GET', '/v1/enrollments/batch', KEYS.townshipB.key)).text).toContain(id);
      for (const decision of ['confirm', 'reject']) {
        const a = await call(
          enrollment,
          'POST',
          `/v1/enrollments/batch/${id}/${decision}`,
          KEYS.township.key,
          '{}',
        );
        expect({ decision, status: a.status, code: (a.body.details as { code?: string })?.code }).toEqual({
          decision,
          status: 404,
          code: 'BATCH_NOT_FOUND',
        });
      }
      // The county sees the list but is not B's checker.
      const county = await call(
        enrollment,
        'POST',
        `/v1/enrollments/batch/${id}/confirm`,
        KEYS.mib.key,
        '{}',
      );
      expect(county.body.details).toEqual({ code: 'OTHER_ROLE' });
      expect((await enrolmentsOf(pB2)).map((e) => e.status)).toEqual(['REGISTERED']);
    });

    it("lists no refund of B's to A, and shows none by id", async () => {
      const payment = (voucherNo: string) =>
        inject.envelope('payment.recorded', {
          voucherNo,
          idNumber: pB,
          name: nameB,
          regionCode: '620725',
          townshipCode: B,
          season: 2021,
          amountFen: 32000,
          channel: 'WECHAT',
          paidAt: '2021-10-16T09:30:00+08:00',
          feedId: randomUUID(),
        });
      await inject.send([payment('AUTHZ-B-1'), payment('AUTHZ-B-2')]);
      await waitFor(
        "B's payments in the refund desk's projection",
        async () =>
          (
            await db.query(
              `SELECT 1 FROM refund.payments WHERE voucher_no LIKE 'AUTHZ-B-%' AND amount_fen IS NOT NULL`,
            )
          ).rowCount,
        (n) => n === 2,
      );
      const applied = await waitFor(
        "B's duplicate payment taken by the refund desk",
        () =>
          postJson('refund-service', '/v1/refunds', KEYS.tax.key, {
            voucherNo: 'AUTHZ-B-2',
            idNumber: pB,
            amountFen: 32000,
            reason: 'DUPLICATE_PAYMENT',
            payeeName: nameB,
            payeeBank: '中国农业银行山丹县支行',
            payeeAccount: '6228480123456789012',
          }),
        (r) => r.status === 201 || r.status === 200,
        90_000,
      );
      refundB = String(applied.body.refundId ?? applied.body.id);
      expect(refundB).toMatch(/^[0-9a-f-]{36}$/);
      const mibList = await call(url('refund-service'), 'GET', '/v1/refunds', KEYS.mib.key);
      expect(mibList.text).toContain(refundB);
      for (const route of ['/v1/refunds', `/v1/refunds?townshipCode=${B}`, `/v1/refunds?idNumber=${pB}`]) {
        const r = await call(url('refund-service'), 'GET', route, KEYS.township.key);
        expect({ route, status: r.status, total: r.body.total }).toEqual({ route, status: 200, total: 0 });
      }
      const one = await call(url('refund-service'), 'GET', `/v1/refunds/${refundB}`, KEYS.township.key);
      expect(one.status).toBe(403);
      for (const secret of [pB, nameB]) expect(one.text).not.toContain(secret);
      expect(
        (await call(url('refund-service'), 'GET', `/v1/refunds/${refundB}`, KEYS.townshipB.key)).status,
      ).toBe(200);
    });

    it("lists no pending cancellation of B's to A, and shows none by id", async () => {
      // B's enrolment is paid (the refund test's payments), so cancelling it waits for a checker.
      await waitFor(
        "B's payments applied to the enrolment",
        async () =>
          (await call(url('enrollment-service'), 'GET', `/v1/persons/${pB}/seasons/2021`, KEYS.mib.key)).body,
        (v) => Number(v.paidFen) > 0,
        90_000,
      );
      const entered = await call(
        url('enrollment-service'),
        'POST',
        `/v1/enrollments/${enrolmentB}/cancel`,
        KEYS.townshipB.key,
        JSON.stringify({ reason: 'TRANSFER_OUT' }),
      );
      expect({ status: entered.status, state: entered.body.status }).toEqual({
        status: 202,
        state: 'PENDING_CONFIRMATION',
      });
      const cancellation = String(entered.body.cancellationId);
      const listA = await call(
        url('enrollment-service'),
        'GET',
        '/v1/enrollments/cancellations',
        KEYS.township.key,
      );
      expect(listA.status).toBe(200);
      expect(listA.text).not.toContain(cancellation);
      expect(listA.text).not.toContain(enrolmentB);
      const oneA = await call(
        url('enrollment-service'),
        'GET',
        `/v1/enrollments/cancellations/${cancellation}`,
        KEYS.township.key,
      );
      expect(oneA.status).toBe(403);
      expect(oneA.text).not.toContain(enrolmentB);
      const confirmA = await call(
        url('enrollment-service'),
        'POST',
        `/v1/enrollments/cancellations/${cancellation}/confirm`,
        KEYS.township.key,
        '{}',
      );
      expect(confirmA.status).toBe(403);
      const listB = await call(
        url('enrollment-service'),
        'GET',
        '/v1/enrollments/cancellations',
        KEYS.townshipB.key,
      );
      expect(listB.text).toContain(cancellation);
      expect(await enrolmentsOf(pB)).toEqual([{ id: enrolmentB, status: 'ACTIVE', township_code: B }]);
    });

    it('leaves B out of every reporting read A may call', async () => {
      const Q = 'season=2021&region=620725';
      // The county sees B's people once reporting has projected them.
      await waitFor(
        'reporting has B',
        async () => (await call(url('reporting-service'), 'GET', `/v1/unpaid?${Q}`, KEYS.mib.key)).text,
        (t) => t.includes(pB2),
        60_000,
      );
      expect(
        (await call(url('reporting-service'), 'GET', `/v1/progress?${Q}&level=VILLAGE`, KEYS.mib.key)).text,
      ).toContain(B);
      const reads = [
        `/v1/unpaid?${Q}`,
        `/v1/unpaid/export?${Q}`,
        `/v1/hardship?${Q}`,
        `/v1/hardship/export?${Q}`,
        `/v1/progress?${Q}`,
        `/v1/progress?${Q}&level=VILLAGE`,
        `/v1/quotas?${Q}`,
        `/v1/rankings/weekly?${Q}`,
        `/v1/rankings/weekly/export?${Q}`,
        `/v1/rankings/milestones?${Q}`,
        `/v1/alerts?season=2021`,
        `/v1/collections/daily?${Q}`,
        `/v1/pages/bulletin?${Q}`,
      ];
      for (const route of reads) {
        const r = await call(url('reporting-service'), 'GET', route, KEYS.township.key);
        // Answered (a list, an export, or a 404 where the season has no quotas), never refused or broken.
        expect({ route, status: r.status >= 500 || [401, 403].includes(r.status) ? r.status : 'ok' }).toEqual(
          {
            route,
            status: 'ok',
          },
        );
        if (/^\/v1\/(unpaid|progress)/.test(route))
          expect({ route, status: r.status }).toEqual({ route, status: 200 });
        const text = await visibleText(r);
        for (const secret of [pB, pB2, nameB, nameB2, B]) {
          expect({ route, leaks: text.includes(secret) ? secret : null }).toEqual({ route, leaks: null });
        }
      }
      // A's own area is there for A.
      expect(
        (await call(url('reporting-service'), 'GET', `/v1/progress?${Q}&level=VILLAGE`, KEYS.township.key))
          .text,
      ).toContain(`${A}002`);
      for (const route of [
        `/v1/unpaid?${Q}&township=${B}`,
        `/v1/unpaid?${Q}&village=${B}002`,
        `/v1/unpaid/export?${Q}&township=${B}`,
      ]) {
        const r = await call(url('reporting-service'), 'GET', route, KEYS.township.key);
        expect({ route, status: r.status }).toEqual({ route, status: 403 });
      }
    });

    it('shows ops queues and counts, never a person, on every route ops may call', async () => {
      const Q = 'season=2021&region=620725';
      const probes: Record<string, [string, string?]> = {
        'enrollment-service GET /v1/enrollments/batch/{id}': [`/v1/enrollments/batch/${batchB}`],
        'tax-collection-feed-service GET /v1/feeds/{id}': [`/v1/feeds/${randomUUID()}`],
        'tax-collection-feed-service GET /v1/reconciliation': ['/v1/reconciliation?date=2021-10-16'],
        'reporting-service GET /v1/quotas': [`/v1/quotas?${Q}`],
        'reporting-service GET /v1/progress': [`/v1/progress?${Q}&level=VILLAGE`],
        'reporting-service GET /v1/rankings/weekly': [`/v1/rankings/weekly?${Q}`],
        'reporting-service GET /v1/rankings/weekly/export': [`/v1/rankings/weekly/export?${Q}`],
        'reporting-service GET /v1/rankings/milestones': [`/v1/rankings/milestones?${Q}`],
        'reporting-service GET /v1/alerts': ['/v1/alerts?season=2021'],
        'reporting-service POST /v1/alerts/check': [
          '/v1/alerts/check',
          '{"season":2021,"regionCode":"620725"}',
        ],
        'reporting-service GET /v1/collections/daily': [`/v1/collections/daily?${Q}`],
        'reporting-service GET /v1/subsidies': [`/v1/subsidies?${Q}`],
        'reporting-service GET /v1/ops/queues': ['/v1/ops/queues'],
        'reporting-service GET /v1/pages/bulletin': [`/v1/pages/bulletin?${Q}`],
        'reporting-service GET /v1/pages/ops': ['/v1/pages/ops'],
      };
      // Every route ops may call has a probe here (templates hold only the seeds' example row).
      const opsRoutes = Object.entries(ROUTE_ACCESS)
        .flatMap(([svc, routes]) =>
          Object.entries(routes)
            .filter(
              ([r, access]) => access !== 'public' && access.includes('ops') && !r.includes('/templates/'),
            )
            .map(([r]) => `${svc} ${r}`),
        )
        .sort();
      expect(Object.keys(probes).sort()).toEqual(opsRoutes);
      // The progress of B's village is there for ops: counts, not people.
      expect(
        (await call(url('reporting-service'), 'GET', `/v1/progress?${Q}&level=VILLAGE`, KEYS.ops.key)).text,
      ).toContain(`${B}002`);
      for (const [route, [p, body]] of Object.entries(probes)) {
        const [svc, method] = route.split(' ') as [ServiceName, string];
        const r = await call(url(svc), method, p, KEYS.ops.key, body);
        const text = await visibleText(r);
        const person = [pA, pB, pB2, nameB, nameB2, '甲镇居民'].find((x) => text.includes(x));
        const idLike = /(?<![0-9])[0-9]{17}[0-9X](?![0-9])/.exec(text)?.[0];
        expect({
          route,
          status: r.status >= 500 || [401, 403].includes(r.status) ? r.status : 'ok',
          person,
          idLike,
        }).toEqual({
          route,
          status: 'ok',
          person: undefined,
          idLike: undefined,
        });
      }
    });

    it('covers every read route a township may call', () => {
      // A new route open to townships needs a probe in this describe block.
      const probed = [
        'enrollment-service GET /v1/templates/{kind}',
        'enrollment-service GET /v1/enrollments/batch',
        'enrollment-service GET /v1/enrollments/batch/{id}',
        'enrollment-service GET /v1/enrollments/batch/{id}/rejects',
        'enrollment-service GET /v1/enrollments/cancellations',
        'enrollment-service GET /v1/enrollments/cancellations/{cancellationId}',
        'enrollment-service GET /v1/persons/{idNumber}/seasons/{season}',
        'subsidy-service GET /v1/templates/{kind}',
        'tax-collection-feed-service GET /v1/templates/{kind}',
        'refund-service GET /v1/templates/{kind}',
        'refund-service GET /v1/refunds',
        'refund-service GET /v1/refunds/{id}',
        'reporting-service GET /v1/templates/{kind}',
        'reporting-service GET /v1/unpaid',
        'reporting-service GET /v1/unpaid/export',
        'reporting-service GET /v1/hardship',
        'reporting-service GET /v1/hardship/export',
        'reporting-service GET /v1/progress',
        'reporting-service GET /v1/quotas',
        'reporting-service GET /v1/rankings/weekly',
        'reporting-service GET /v1/rankings/weekly/export',
        'reporting-service GET /v1/rankings/milestones',
        'reporting-service GET /v1/alerts',
        'reporting-service GET /v1/collections/daily',
        'reporting-service GET /v1/pages/bulletin',
      ].sort();
      const townshipReads = Object.entries(ROUTE_ACCESS)
        .flatMap(([s, routes]) =>
          Object.entries(routes)
            .filter(
              ([r, access]) => r.startsWith('GET /v1/') && access !== 'public' && access.includes('township'),
            )
            .map(([r]) => `${s} ${r}`),
        )
        .sort();
      expect(townshipReads).toEqual(probed);
    });
  });
});
