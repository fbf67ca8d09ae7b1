import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { DataSource, EntityManager } from 'typeorm';
import { inTransaction } from '@urrbmi/persistence';
import { CommandHandler, decide, DomainError, MakerCheckerErrors } from '@urrbmi/platform';
import { AssessSubsidyCommand, AssessSubsidyHandler } from '../assessment/assess-subsidy.handler';
import { DecideRosterCommand, StageRosterCommand } from './roster.commands';
import { RosterErrors } from './roster.errors';
import { RosterRepository, RosterUpload } from './roster.repository';
import { olderSnapshotRefusal, RosterProcessor } from './roster-processor';
import { RosterSettings } from './roster-settings';

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
    error: u.error,
    errorCode: u.errorCode,
    statusUrl: `/v1/rosters/${u.id}`,
    rejects: await rosters.rejects(u.id, 1000),
  };
}
export type RosterView = Awaited<ReturnType<typeof rosterView>>;

/** The refusal a FAILED upload records (a region missing, an older snapshot), as the uploader is answered. */
function recordedRefusal(u: RosterUpload): DomainError | undefined {
  if (u.status !== 'FAILED' || !u.errorCode || !(u.errorCode in RosterErrors.status)) return undefined;
  const code = u.errorCode as keyof typeof RosterErrors.status;
  return RosterErrors[code](u.error ?? code, u.errorDetails);
}

/** The maker-checker rule of rosters: a second person of the uploader's department decides a STAGED upload. */
async function stagedForDecider(rosters: RosterRepository, m: EntityManager, cmd: DecideRosterCommand) {
  const u = await rosters.find(cmd.uploadId, m, true);
  if (!u) throw RosterErrors.ROSTER_NOT_FOUND(`no roster upload ${cmd.uploadId}`);
  if (u.status === 'PROCESSING' || u.status === 'FAILED')
    throw RosterErrors.NOT_STAGED(
      `roster upload ${cmd.uploadId} is ${u.status}: only a STAGED upload is approved or rejected`,
      { status: u.status },
    );
  // The one maker-checker rule; rosters answer its refusals in their own published codes.
  const verdict = decide(
    {
      label: `roster upload ${cmd.uploadId}`,
      status: u.status === 'STAGED' ? 'PENDING' : u.status,
      enteredBy: u.uploadedBy,
      enteredRole: u.uploadedRole,
    },
    { holder: cmd.decidedBy, role: cmd.decidedRole },
    { verdict: 'CONFIRMED', at: new Date() },
  );
  if ('refusal' in verdict) {
    const code = verdict.refusal.code as keyof typeof MakerCheckerErrors.status;
    throw {
      ALREADY_DECIDED: () =>
        RosterErrors.ALREADY_DECIDED(`roster upload ${cmd.uploadId} is already ${u.status}`),
      SAME_HOLDER: () => RosterErrors.SAME_PERSON('the uploader cannot approve or reject their own upload'),
      OTHER_ROLE: () => RosterErrors.OTHER_DEPARTMENT(`only ${u.uploadedRole} may decide on this upload`),
    }[code]();
  }
  return u;
}

export interface StagedRoster {
  /** 201 staged now, 200 the same roster as an earlier upload, 202 still being staged (see statusUrl). */
  httpStatus: 200 | 201 | 202;
  replayed: boolean;
  view: RosterView;
}

/**
 * `StageRoster`: a department's full snapshot of one source as of a date, read, checked row by row
 * and staged with what approving it would change, by the roster file job (`RosterProcessor`). A
 * roster up to ROSTER_ASYNC_ABOVE_BYTES is answered once staged (or refused: `REGION_REQUIRED`,
 * `OLDER_SNAPSHOT`); a larger one at once with `202` and its status URL. The same bytes again answer
 * with the earlier upload (`replayed`, 200); one that FAILED is resumed by them instead, from its
 * checkpoint (from the first line if they name another region; a refusal is judged again) and
 * answered as a new upload, unless it was set aside for crashing the service.
 */
@Injectable()
export class StageRosterHandler implements CommandHandler<StageRosterCommand, StagedRoster> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rosters: RosterRepository,
    private readonly processor: RosterProcessor,
    private readonly settings: RosterSettings,
  ) {}

  async execute(cmd: StageRosterCommand): Promise<StagedRoster> {
    const { source, asOf, stored } = cmd;
    const job = {
      snapshotRegion: cmd.regionCode ?? null,
      storagePath: stored.path,
      uploadedBy: cmd.uploadedBy,
      uploadedRole: cmd.uploadedRole,
    };
    const earlier = await this.rosters.findByContent(source, asOf, stored.sha256);
    if (earlier) {
      const reopened =
        earlier.status === 'FAILED'
          ? await inTransaction(this.dataSource, (m) => this.rosters.reopen(m, earlier.id, job))
          : undefined;
      // The bytes just stored are kept only while an upload still needs them as its raw file.
      if (!reopened && !(await this.rosters.rawFileInUse(stored.path)))
        await rm(stored.path, { force: true });
      // Resumed by this upload, it is answered as staged by it (201), as a refused upload always was.
      return reopened ? this.answer(reopened, false) : this.answer(earlier, true);
    }
    const created = await this.rosters.create({
      id: randomUUID(),
      source,
      asOf,
      sha256: stored.sha256,
      contentType: cmd.contentType,
      sizeBytes: stored.sizeBytes,
      ...job,
    });
    // A concurrent upload of the same roster may have won.
    if (!created) return this.answer((await this.rosters.findByContent(source, asOf, stored.sha256))!, true);
    return this.answer(created, false);
  }

  /** Small rosters wait for their job; large ones, and one another instance is staging, answer 202. */
  private async answer(upload: RosterUpload, replayed: boolean): Promise<StagedRoster> {
    let u = upload;
    if (u.status === 'PROCESSING') {
      const job = this.processor.process(u);
      if (u.sizeBytes <= this.settings.ROSTER_ASYNC_ABOVE_BYTES) {
        await job;
        u = (await this.rosters.find(u.id))!;
      }
    }
    const refusal = recordedRefusal(u);
    if (refusal) throw refusal;
    const httpStatus = u.status === 'PROCESSING' ? 202 : replayed ? 200 : 201;
    return { httpStatus, replayed, view: await rosterView(this.rosters, u, replayed) };
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
      const older = await olderSnapshotRefusal(this.rosters, m, u.source, u.regionCodes, u.asOf);
      if (older) throw older;
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
