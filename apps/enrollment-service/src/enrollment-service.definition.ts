import { varcharCodesMigration } from '@urrbmi/persistence';
import { ServiceDefinition } from '@urrbmi/platform';
import { Enrollments1763800001000 } from './migrations/1763800001000-enrollments';
import { EnrolmentLifecycle1763800002000 } from './migrations/1763800002000-enrolment-lifecycle';
import { EnrolmentBatches1763800003000 } from './migrations/1763800003000-enrolment-batches';
import { RefundLedger1763800004000 } from './migrations/1763800004000-refund-ledger';
import { StandingVersions1764230000000 } from './migrations/1764230000000-standing-versions';
import { Approvals1764300020000 } from './migrations/1764300020000-approvals';
import { BatchArea1764500001000 } from './migrations/1764500001000-batch-area';
import { BatchSettings } from './batch/batch-settings';
import { BatchFileJob1764300000000 } from './migrations/1764300000000-batch-file-job';
import { DeathLists1764600020000 } from './migrations/1764600020000-death-lists';
import { PaymentsByEnrolment1764900001000 } from './migrations/1764900001000-payments-by-enrolment';
import { LedgerUnlocked1765000001000 } from './migrations/1765000001000-ledger-unlocked';
import { EnrollmentModule } from './enrollment.module';

export const enrollmentService: ServiceDefinition = {
  name: 'enrollment-service',
  title: 'Enrollment service (参保登记)',
  description: 'Persons, one enrolment per person per season, its status and benefit period, batch imports.',
  defaultPort: 3101,
  schema: 'enrollment',
  migrations: [
    Enrollments1763800001000,
    EnrolmentLifecycle1763800002000,
    EnrolmentBatches1763800003000,
    RefundLedger1763800004000,
    StandingVersions1764230000000,
    Approvals1764300020000,
    BatchArea1764500001000,
    BatchFileJob1764300000000,
    DeathLists1764600020000,
    varcharCodesMigration('enrollment', {
      assessments: { id_number: 18 },
      batches: { sha256: 64 },
      employee_insured: { id_number: 18 },
      enrollments: { id_number: 18, region_code: 6, township_code: 9, village_code: 12 },
      payments: { id_number: 18 },
    }),
    PaymentsByEnrolment1764900001000,
    LedgerUnlocked1765000001000,
  ],
  fileKinds: ['enrollment-registrations', 'enrollment-deaths'],
  settings: [BatchSettings],
  imports: [EnrollmentModule],
};
