import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { maskResidentId } from '@urrbmi/domain';
import { readTabularRows, TabularRow } from '@urrbmi/files';
import { inTransaction } from '@urrbmi/persistence';
import { PolicyRegistry } from '@urrbmi/policy';
import { AssessSubsidyCommand, AssessSubsidyHandler } from '../assessment/assess-subsidy.handler';
import { DecideRosterCommand, StageRosterCommand } from './roster.commands';
import { RosterErrors } from './roster.errors';
import { RosterRepository, RosterUpload } from './roster.repository';
import { isRosterReject, parseRosterRow, RosterReject, RosterRow } from './roster-row';
import { rosterWarnings } from './roster-warnings';

const CHUNK = 5000;

/** What a roster upload looks like to callers. */
export async function rosterView(rosters: RosterRepository, u: RosterUpload, sameContent: boolean) {
  return {
    uploadId: u.id,
    source: u.source,
    asOf: u.asOf,
    status: u.status,
    uploadedBy: u.uploadedBy,
    decidedBy: u.decidedBy,
    rowsRead: u.rowsRead,
    rowsStaged: u.rowsStaged,
    rowsRejected: u.rowsRejected,
    regionCodes: u.regionCodes,
    summary: u.summary,
    warnings: u.warnings,
    sameContentAsEarlierUpload: sameContent,
    rejects: await rosters.rejects(u.id, 1000),
  };
}

/** A snapshot never goes back in time: one older than the newest approved of its source and region is refused. */
async function refuseOlderSnapshot(
  rosters: RosterRepository,
  m: EntityManager,
  source: string,
  regionCodes: string[],
  asOf: string,
): Promise<void> {
  const newest = await rosters.newestApproved(m, source, regionCodes);
  if (newest && newest.asOf > asOf)
    throw RosterErrors.OLDER_SNAPSHOT(
      `a ${source} snapshot of region ${newest.regionCode} as of ${newest.asOf} is already approved; this one is as of ${asOf}`,
      { newestUploadId: newest.id, newestAsOf: newest.asOf, regionCode: newest.regionCode },
    );
}

/** The maker-checker rule of rosters: a second person of the uploader's department decides a STAGED upload. */
async function stagedForDecider(rosters: RosterRepository, m: EntityManager, cmd: DecideRosterCommand) {
  const u = await rosters.find(cmd.uploadId, m, true);
  if (!u) throw RosterErrors.ROSTER_NOT_FOUND(`no roster upload ${cmd.uploadId}`);
  if (u.status !== 'STAGED')
    throw RosterErrors.ALREADY_DECIDED(`roster upload ${cmd.uploadId} is already ${u.status}`);
  if (u.uploadedBy === cmd.decidedBy)
    throw RosterErrors.SAME_PERSON('the uploader cannot approve or reject their own upload');
  if (u.uploadedRole !== cmd.decidedRole)
    throw RosterErrors.OTHER_DEPARTMENT(`only ${u.uploadedRole} may decide on this upload`);
  return u;
}

/**
 * `StageRoster`: a department's full snapshot of one source as of a date, read, checked row by row
 * and staged with what approving it would change. All or nothing: a failure part way leaves no
 * upload behind. The same bytes again answer with the earlier upload (`replayed`).
 */
@Injectable()
export class StageRosterHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rosters: RosterRepository,
    private readonly policies: PolicyRegistry,
  ) {}

  async execute(
    cmd: StageRosterCommand,
  ): Promise<{ replayed: boolean; view: Awaited<ReturnType<typeof rosterView>> }> {
    const earlier = await this.rosters.findByContent(cmd.source, cmd.asOf, cmd.stored.sha256);
    if (earlier) return { replayed: true, view: await rosterView(this.rosters, earlier, true) };
    const id = randomUUID();
    await inTransaction(this.dataSource, (m) => this.stage(m, id, cmd));
    return { replayed: false, view: await rosterView(this.rosters, (await this.rosters.find(id))!, false) };
  }

  private async stage(m: EntityManager, id: string, cmd: StageRosterCommand): Promise<void> {
    const { source, asOf, regionCode } = cmd;
    const created = await this.rosters.create(m, {
      id,
      source,
      asOf,
      sha256: cmd.stored.sha256,
      uploadedBy: cmd.uploadedBy,
      uploadedRole: cmd.uploadedRole,
    });
    if (!created)
      throw RosterErrors.CONCURRENT_UPLOAD('the same roster is being uploaded right now; try again');
    let read = 0;
    let staged = 0;
    let rejected = 0;
    let chunk: TabularRow[] = [];
    const flush = async () => {
      const ok: RosterRow[] = [];
      const bad: RosterReject[] = [];
      for (const row of chunk) {
        const r = parseRosterRow(row.line, row.values, source, asOf, regionCode);
        if (isRosterReject(r)) bad.push(r);
        else ok.push(r);
      }
      const inserted = await this.rosters.stage(m, id, ok);
      for (const r of ok) {
        if (!inserted.has(r.line))
          bad.push({
            line: r.line,
            idNumber: maskResidentId(r.idNumber),
            code: 'DUPLICATE_IN_FILE',
            message: `the person appears earlier in this file with ${r.category}`,
          });
      }
      await this.rosters.addRejects(m, id, bad);
      read += chunk.length;
      staged += inserted.size;
      rejected += bad.length;
      chunk = [];
    };
    for await (const row of readTabularRows(cmd.stored.path, cmd.contentType)) {
      chunk.push(row);
      if (chunk.length >= CHUNK) await flush();
    }
    await flush();
    const stagedCategories = await this.rosters.stagedCategories(m, id);
    const regionCodes = regionCode ? [regionCode] : [...new Set(stagedCategories.map((c) => c.regionCode))];
    if (regionCodes.length === 0)
      throw RosterErrors.REGION_REQUIRED(
        'a snapshot with no valid row must name its region in X-Region-Code (it removes that region’s people of the source)',
      );
    await refuseOlderSnapshot(this.rosters, m, source, regionCodes, asOf);
    const summary = await this.rosters.summarise(m, id, source, regionCodes);
    await this.rosters.finishStaging(
      m,
      id,
      { read, staged, rejected },
      summary,
      regionCodes,
      rosterWarnings(this.policies, asOf, stagedCategories),
    );
  }
}

/**
 * `ApproveRoster`: a second person of the same department approves; the snapshot replaces the
 * identity periods of its source in its regions, and everyone it touched is re-assessed in the same
 * transaction. Approvals of a source are serialised.
 */
@Injectable()
export class ApproveRosterHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rosters: RosterRepository,
    private readonly assess: AssessSubsidyHandler,
  ) {}

  execute(cmd: DecideRosterCommand) {
    return inTransaction(this.dataSource, async (m) => {
      const pending = await this.rosters.find(cmd.uploadId, m);
      if (!pending) throw RosterErrors.ROSTER_NOT_FOUND(`no roster upload ${cmd.uploadId}`);
      await this.rosters.lockSource(m, pending.source);
      const u = await stagedForDecider(this.rosters, m, cmd);
      await refuseOlderSnapshot(this.rosters, m, u.source, u.regionCodes, u.asOf);
      await this.rosters.decide(m, u.id, 'APPROVED', cmd.decidedBy, cmd.note ?? null);
      const touched = await this.rosters.apply(m, u);
      const reassessed = await this.assess.execute(m, AssessSubsidyCommand.create({ idNumbers: touched }));
      return {
        ...(await rosterView(this.rosters, (await this.rosters.find(u.id, m))!, false)),
        identitiesChangedFor: touched.length,
        reassessed,
      };
    });
  }
}

/** `RejectRoster`: the checker refuses the upload; nothing changes. */
@Injectable()
export class RejectRosterHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rosters: RosterRepository,
  ) {}

  execute(cmd: DecideRosterCommand) {
    return inTransaction(this.dataSource, async (m) => {
      const u = await stagedForDecider(this.rosters, m, cmd);
      await this.rosters.decide(m, u.id, 'REJECTED', cmd.decidedBy, cmd.note ?? null);
      return rosterView(this.rosters, (await this.rosters.find(u.id, m))!, false);
    });
  }
}

/** `GetRoster`: an upload's status, counts and what approving it changes. */
@Injectable()
export class GetRosterHandler {
  constructor(private readonly rosters: RosterRepository) {}

  async execute(id: string) {
    const u = await this.rosters.find(id);
    if (!u) throw RosterErrors.ROSTER_NOT_FOUND(`no roster upload ${id}`);
    return rosterView(this.rosters, u, false);
  }
}
