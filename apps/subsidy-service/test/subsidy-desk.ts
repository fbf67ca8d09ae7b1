import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import {
  contractCatalog,
  EnrollmentRegisteredV1,
  EnrollmentStandingV1,
  FILE_FORMATS,
} from '@urrbmi/contracts';
import { residentIdCheckChar } from '@urrbmi/domain';
import { StoredFile } from '@urrbmi/files';
import { messagingMigrations, OutboxWriter } from '@urrbmi/messaging';
import { createServiceDataSource, migrateServiceSchema } from '@urrbmi/persistence';
import { Clock, loadSettings, parseRole, Principal, StructuredLogger } from '@urrbmi/platform';
import { loadPolicies, PolicyRegistry } from '@urrbmi/policy';
import { AssessSubsidyHandler } from '../src/assessment/assess-subsidy.handler';
import { AssessmentRepository } from '../src/assessment/assessment.repository';
import { EnrolmentRepository } from '../src/assessment/enrolment.repository';
import { GetAssessmentHandler } from '../src/assessment/get-assessment.handler';
import { IdentityRepository } from '../src/assessment/identity.repository';
import {
  RecordEnrolmentsCommand,
  RecordEnrolmentsHandler,
} from '../src/assessment/record-enrolments.handler';
import { MatchRunRepository } from '../src/match/match-run.repository';
import { RunMonthlyMatchHandler } from '../src/match/run-monthly-match.handler';
import { TransferRepository } from '../src/match/transfer.repository';
import { DecideRosterCommand, RosterDecision, StageRosterCommand } from '../src/rosters/roster.commands';
import {
  ApproveRosterHandler,
  RejectRosterHandler,
  StageRosterHandler,
} from '../src/rosters/roster.handlers';
import { RosterRepository } from '../src/rosters/roster.repository';
import { RosterProcessor } from '../src/rosters/roster-processor';
import { RosterSettings } from '../src/rosters/roster-settings';
import {
  EnterSettlementHandler,
  RejectSettlementHandler,
  SettleTransfersHandler,
} from '../src/settlement/settlement.handlers';
import { SettlementRepository } from '../src/settlement/settlement.repository';
import { subsidyService } from '../src/subsidy-service.definition';

export function principal(holder: string, role: string): Principal {
  return { holder, role, ...parseRole(role) };
}

export function personId(region: string, n: number): string {
  const first17 = `${region}19720202${String(n).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

/**
 * The subsidy service's use cases wired by hand on the test database's `subsidy` schema: no HTTP, no
 * Kafka, no Nest. What a handler publishes is read from the outbox table.
 */
export async function subsidyDesk(clockStart = '2023-12-05T10:00:00+08:00') {
  const url = process.env.DATABASE_URL;
  if (!url)
    throw new Error('DATABASE_URL is not set: integration tests run under tools/test/global-setup.js');
  const ds: DataSource = createServiceDataSource({
    url,
    schema: 'subsidy',
    migrations: [...messagingMigrations('subsidy'), ...subsidyService.migrations],
    poolSize: 8,
  });
  await ds.initialize();
  await migrateServiceSchema(ds);
  const clock = new Clock(clockStart);
  const policies = new PolicyRegistry(loadPolicies());
  const outbox = new OutboxWriter('subsidy', 'subsidy-service', contractCatalog());
  const enrolments = new EnrolmentRepository();
  const assessments = new AssessmentRepository(ds);
  const identities = new IdentityRepository();
  const rosters = new RosterRepository(ds, clock);
  const transfers = new TransferRepository(ds);
  const runs = new MatchRunRepository(ds);
  const settlements = new SettlementRepository(ds);
  const assess = new AssessSubsidyHandler(assessments, identities, policies, outbox, clock);
  const record = new RecordEnrolmentsHandler(enrolments, assess);
  const dir = mkdtempSync(path.join(tmpdir(), 'subsidyshape-desk-'));
  const rosterSettings = loadSettings(RosterSettings, { ROSTER_STORAGE_DIR: dir });
  const logger = new StructuredLogger('subsidy-service', 'silent');
  const processor = new RosterProcessor(ds, rosters, policies, clock, logger, rosterSettings);
  const stage = new StageRosterHandler(ds, rosters, processor, rosterSettings);
  const header = FILE_FORMATS.roster.columns.map((c) => c.name).join(',');
  const registeredAt = '2023-10-15T10:00:00+08:00';
  const enrollmentIdOf = new Map<string, string>();
  const eid = (id: string) => enrollmentIdOf.get(id) ?? enrollmentIdOf.set(id, randomUUID()).get(id)!;

  return {
    ds,
    clock,
    transfers,
    settlements,
    assess,
    record,
    getAssessment: new GetAssessmentHandler(assessments, identities),
    approveRoster: new ApproveRosterHandler(ds, rosters, assess),
    rejectRoster: new RejectRosterHandler(ds, rosters),
    match: new RunMonthlyMatchHandler(ds, enrolments, identities, transfers, runs, policies, outbox, clock),
    enter: new EnterSettlementHandler(ds, settlements, clock),
    settle: new SettleTransfersHandler(ds, settlements, transfers, outbox, clock),
    rejectSettlement: new RejectSettlementHandler(ds, settlements, clock),

    /** Stages a roster file of CSV lines (without header) as `by`. */
    async stageRoster(by: Principal, source: string, asOf: string, rows: string[]) {
      const file = path.join(dir, `${randomUUID()}.csv`);
      const body = [header, ...rows].join('\n') + '\n';
      writeFileSync(file, body);
      const stored: StoredFile = {
        path: file,
        sha256: randomUUID().replace(/-/g, ''),
        sizeBytes: body.length,
      };
      return stage.execute(StageRosterCommand.of({ source, asOf }, stored, 'text/csv', by));
    },
    decideRoster: (id: string, by: Principal) => DecideRosterCommand.of(id, RosterDecision.create({}), by),

    /** enrollment.registered then, if given, paid in full on that day, as one consumer batch each. */
    async enrol(id: string, region: string, paidInFullOn?: string) {
      const reg: EnrollmentRegisteredV1 = {
        enrollmentId: eid(id),
        idNumber: id,
        name: '参保人',
        season: 2023,
        regionCode: region,
        kind: 'NEW',
        policyId: `${region}-2023`,
        amountDueFen: 38000,
        registeredAt,
      } as EnrollmentRegisteredV1;
      await ds.transaction((m) => record.execute(m, RecordEnrolmentsCommand.ofRegistrations([reg])));
      if (!paidInFullOn) return;
      const standing = {
        enrollmentId: eid(id),
        idNumber: id,
        season: 2023,
        regionCode: region,
        registeredAt,
        standingVersion: 1,
        status: 'ACTIVE',
        amountDueFen: 38000,
        paidFen: 38000,
        subsidyEnjoyedFen: 0,
        paidAs: 'PAID',
        paidInFullOn,
        benefitStart: '2024-01-01',
        benefitEnd: '2024-12-31',
        cause: 'payment.recorded',
        changedAt: `${paidInFullOn}T10:00:00+08:00`,
      } as EnrollmentStandingV1;
      await ds.transaction((m) => record.execute(m, RecordEnrolmentsCommand.ofStandings([standing])));
    },

    async outboxCount(topic: string): Promise<number> {
      return Number(
        (await ds.query(`SELECT count(*) AS n FROM subsidy.outbox WHERE topic = $1`, [topic]))[0].n,
      );
    },

    async reset() {
      await ds.query(
        `TRUNCATE subsidy.settlement_batches, subsidy.transfers, subsidy.match_runs, subsidy.assessments, subsidy.enrolments,
                  subsidy.identities, subsidy.roster_rejects, subsidy.roster_rows, subsidy.roster_uploads, subsidy.outbox`,
      );
    },
  };
}
export type SubsidyDesk = Awaited<ReturnType<typeof subsidyDesk>>;
