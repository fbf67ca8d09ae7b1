import { varcharCodesMigration } from '@urrbmi/persistence';
import { ServiceDefinition } from '@urrbmi/platform';
import { RosterSettings } from './rosters/roster-settings';
import { Subsidy1763800020000 } from './migrations/1763800020000-subsidy';
import { MatchRunsSettlement1763800021000 } from './migrations/1763800021000-match-runs-settlement';
import { MatchCandidatesIndex1763800022000 } from './migrations/1763800022000-match-candidates-index';
import { SnapshotRegionsReasonCodes1763800027000 } from './migrations/1763800027000-snapshot-regions-reason-codes';
import { EnrolmentStanding1764230020000 } from './migrations/1764230020000-enrolment-standing';
import { SettlementBatches1764300010000 } from './migrations/1764300010000-settlement-batches';
import { RosterFileJob1764400010000 } from './migrations/1764400010000-roster-file-job';
import { SubsidyModule } from './subsidy.module';

export const subsidyService: ServiceDefinition = {
  name: 'subsidy-service',
  title: 'Subsidy service (资助参保)',
  description:
    'Roster snapshots per source with maker-checker, identity periods, highest-wins assessment, monthly match and one-card transfers.',
  defaultPort: 3102,
  schema: 'subsidy',
  migrations: [
    Subsidy1763800020000,
    MatchRunsSettlement1763800021000,
    MatchCandidatesIndex1763800022000,
    SnapshotRegionsReasonCodes1763800027000,
    EnrolmentStanding1764230020000,
    SettlementBatches1764300010000,
    RosterFileJob1764400010000,
    varcharCodesMigration('subsidy', {
      assessments: { id_number: 18 },
      enrolments: { id_number: 18, region_code: 6 },
      identities: { certified_region_code: 6, id_number: 18 },
      match_runs: { month: 7 },
      roster_rows: { certified_region_code: 6, id_number: 18 },
      roster_uploads: { sha256: 64, snapshot_region: 6 },
      transfers: { id_number: 18, match_month: 7, region_code: 6, transfer_month: 7 },
    }),
  ],
  fileKinds: ['roster'],
  settings: [RosterSettings],
  imports: [SubsidyModule],
};
