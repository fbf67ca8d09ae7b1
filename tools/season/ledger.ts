// What the simulator itself put into the system this run, in fen: the other side of every
// reconciliation line. Built from the plan as the feeds and refunds are made, never from the services.
export interface SeasonLedger {
  feeds: number;
  feedRows: number;
  residentPaymentsFen: number;
  proxyPaymentsFen: number;
  reversalsFen: number;
  quarantinedRows: number;
  payers: number;
  deceased: number;
  assessedSubsidyFen: number;
  transfersExpectedFen: number;
  transfersSettledFen: number;
  refundsAppliedFen: number;
  refundsPlannedFen: number;
  refundsFundedFen: number;
  refundsPaidFen: number;
  refunds: number;
  registrations: number;
  batchRows: number;
  rosterRows: number;
  lateFeeds: number;
  lateAlarmSeen: boolean;
  matchRuns: number;
  rankingsRead: number;
  events: number;
}

export function emptyLedger(): SeasonLedger {
  return {
    feeds: 0,
    feedRows: 0,
    residentPaymentsFen: 0,
    proxyPaymentsFen: 0,
    reversalsFen: 0,
    quarantinedRows: 0,
    payers: 0,
    deceased: 0,
    assessedSubsidyFen: 0,
    transfersExpectedFen: 0,
    transfersSettledFen: 0,
    refundsAppliedFen: 0,
    refundsPlannedFen: 0,
    refundsFundedFen: 0,
    refundsPaidFen: 0,
    refunds: 0,
    registrations: 0,
    batchRows: 0,
    rosterRows: 0,
    lateFeeds: 0,
    lateAlarmSeen: false,
    matchRuns: 0,
    rankingsRead: 0,
    events: 0,
  };
}
