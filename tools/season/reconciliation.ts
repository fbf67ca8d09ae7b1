// Figures the services hold for a county-season, read through their public routes, and the
// reconciliation of this run's difference in them against what the simulator put in.
import { SeasonLedger } from './ledger';
import { SeasonSystem } from './system';

export interface SystemTotals {
  /** Tax feed service: applied payments plus (negative) reversals over the season's feed dates. */
  taxNetFen: number;
  taxPaymentsFen: number;
  taxReversalsFen: number;
  reportingCollectedFen: number;
  reportingDailyNetFen: number;
  reportingActive: number;
  reportingRefundedFen: number;
  assessedSubsidyFen: number;
  transfersSettledFen: number;
  subsidyTransfersPaidFen: number;
  refundsPaidFen: number;
}

interface ChannelFigures {
  accepted: { amountFen: number };
  reversed: { amountFen: number };
}

export async function readTotals(
  system: SeasonSystem,
  o: { regionCode: string; season: number; feedDates: string[]; transferMonths: string[] },
): Promise<SystemTotals> {
  const query = { season: o.season, region: o.regionCode };
  const reporting = system.as('reporting-service', 'ops');
  let taxPaymentsFen = 0;
  let taxReversalsFen = 0;
  for (const date of o.feedDates) {
    const r = await system
      .as('tax-collection-feed-service', 'ops')
      .call<{ byChannel: ChannelFigures[] }>('GET /v1/reconciliation', (c) =>
        c.GET('/v1/reconciliation', { params: { query: { date, region: o.regionCode } } }),
      );
    for (const c of r.byChannel) {
      taxPaymentsFen += c.accepted.amountFen;
      taxReversalsFen += Math.abs(c.reversed.amountFen);
    }
  }
  const progress = await reporting.call<{ collectedFen: number; active: number; refundedFen: number }[]>(
    'GET /v1/progress',
    (c) => c.GET('/v1/progress', { params: { query: { ...query, level: 'COUNTY' } } }),
  );
  const county = progress[0] ?? { collectedFen: 0, active: 0, refundedFen: 0 };
  const daily = await reporting.call<{ netFen: number }[]>('GET /v1/collections/daily', (c) =>
    c.GET('/v1/collections/daily', { params: { query } }),
  );
  const subsidies = await reporting.call<{
    assessed: { subsidyFen: number }[];
    transfers: { settledFen: number }[];
  }>('GET /v1/subsidies', (c) => c.GET('/v1/subsidies', { params: { query } }));
  let subsidyTransfersPaidFen = 0;
  for (const month of o.transferMonths) {
    const t = await system
      .as('subsidy-service', 'mib')
      .call<{ routes: { instructions: { amountFen: number; status: string }[] }[] }>(
        'GET /v1/transfers',
        (c) => c.GET('/v1/transfers', { params: { query: { month } } }),
      );
    for (const r of t.routes)
      for (const i of r.instructions) if (i.status === 'PAID') subsidyTransfersPaidFen += i.amountFen;
  }
  let refundsPaidFen = 0;
  for (let offset = 0; ; offset += 500) {
    const page = await system
      .as('refund-service', 'mib')
      .call<{ items?: { amountFen: number }[] } | { amountFen: number }[]>('GET /v1/refunds', (c) =>
        c.GET('/v1/refunds', {
          params: { query: { state: 'PAID', regionCode: o.regionCode, limit: 500, offset } },
        }),
      );
    const items = Array.isArray(page) ? page : (page.items ?? []);
    refundsPaidFen += items.reduce((s, r) => s + r.amountFen, 0);
    if (items.length < 500) break;
  }
  return {
    taxNetFen: taxPaymentsFen - taxReversalsFen,
    taxPaymentsFen,
    taxReversalsFen,
    reportingCollectedFen: county.collectedFen,
    reportingDailyNetFen: daily.reduce((s, d) => s + d.netFen, 0),
    reportingActive: county.active,
    reportingRefundedFen: county.refundedFen,
    assessedSubsidyFen: subsidies.assessed.reduce((s, a) => s + a.subsidyFen, 0),
    transfersSettledFen: subsidies.transfers.reduce((s, t) => s + t.settledFen, 0),
    subsidyTransfersPaidFen,
    refundsPaidFen,
  };
}

export interface ReconciliationLine {
  what: string;
  expectedFen: number;
  actualFen: number;
  ok: boolean;
}

/**
 * This run's reconciliation: each line compares what the simulator put in (the ledger) with the
 * difference the run made in the services' figures (after − before), exact to the fen.
 */
export function reconcile(
  ledger: SeasonLedger,
  before: SystemTotals,
  after: SystemTotals,
): ReconciliationLine[] {
  const d = (k: keyof SystemTotals) => after[k] - before[k];
  const collected = ledger.residentPaymentsFen + ledger.proxyPaymentsFen - ledger.reversalsFen;
  const subsidies = ledger.assessedSubsidyFen + ledger.transfersSettledFen;
  const line = (what: string, expectedFen: number, actualFen: number): ReconciliationLine => ({
    what,
    expectedFen,
    actualFen,
    ok: expectedFen === actualFen,
  });
  return [
    line('collected by tax = paid by residents + proxy − reversals', collected, d('taxNetFen')),
    line('  reversals applied by tax', ledger.reversalsFen, d('taxReversalsFen')),
    line('  reporting: collected (county progress)', collected, d('reportingCollectedFen')),
    line('  reporting: daily collection, net', collected, d('reportingDailyNetFen')),
    line(
      'subsidies = assessed difference and proxy + transfers settled',
      subsidies,
      d('assessedSubsidyFen') + d('transfersSettledFen'),
    ),
    line('  assessed (reporting)', ledger.assessedSubsidyFen, d('assessedSubsidyFen')),
    line('  transfers settled (reporting)', ledger.transfersSettledFen, d('transfersSettledFen')),
    line('  transfers paid (subsidy service)', ledger.transfersSettledFen, d('subsidyTransfersPaidFen')),
    line(
      '  transfers expected from the roster update',
      ledger.transfersExpectedFen,
      ledger.transfersSettledFen,
    ),
    line('refunds planned = applied for', ledger.refundsAppliedFen, ledger.refundsPlannedFen),
    line('refunds funded = planned', ledger.refundsPlannedFen, ledger.refundsFundedFen),
    line('refunds paid = funded', ledger.refundsFundedFen, ledger.refundsPaidFen),
    line('  refunds paid (refund service)', ledger.refundsPaidFen, d('refundsPaidFen')),
    line('  refunds paid (reporting)', ledger.refundsPaidFen, d('reportingRefundedFen')),
    {
      what: 'enrolled and paid (people, reporting)',
      expectedFen: ledger.payers - ledger.deceased,
      actualFen: d('reportingActive'),
      ok: ledger.payers - ledger.deceased === d('reportingActive'),
    },
  ];
}
