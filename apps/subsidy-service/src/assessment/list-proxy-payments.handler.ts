import { Injectable } from '@nestjs/common';
import { IsIn, IsInt, IsOptional, Matches } from 'class-validator';
import { maskResidentId } from '@urrbmi/domain';
import { Command } from '@urrbmi/platform';
import { PolicyRegistry, ruleFor, SubsidyCategory } from '@urrbmi/policy';
import { LIST_FORMATS, ListFormat, TableFile } from '../shared/table-file';
import { AssessmentErrors } from './assessment.errors';
import { AssessmentRepository } from './assessment.repository';

/** `ListProxyPayments` (代缴名单) of a region and season. */
export class ListProxyPaymentsQuery extends Command {
  @Matches(/^\d{6}$/, { message: 'region must be a 6-digit code' })
  region!: string;

  @IsInt()
  season!: number;

  @IsOptional()
  @IsIn(LIST_FORMATS)
  format?: ListFormat;
}

interface FundingGroup {
  funding: string;
  count: number;
  totalFen: number;
  people: { idNumber: string; category: string; amountFen: number }[];
}

/**
 * Fully subsidised people (FULL mode) who have not been paid for yet, per funding source, so the
 * paying department can pay their contributions (they arrive back as PROXY payments). ID numbers
 * masked. As JSON, or as a file with a total line per funding source.
 */
@Injectable()
export class ListProxyPaymentsHandler {
  constructor(
    private readonly assessments: AssessmentRepository,
    private readonly policies: PolicyRegistry,
  ) {}

  async execute(q: ListProxyPaymentsQuery) {
    const policy = this.policies.find(q.region, q.season);
    if (!policy) throw AssessmentErrors.NO_POLICY(`no policy for region ${q.region} season ${q.season}`);
    const byFunding = new Map<string, FundingGroup>();
    for (const r of await this.assessments.proxyPaymentsDue(q.region, q.season)) {
      const funding = ruleFor(policy, r.category as SubsidyCategory)?.funding ?? 'NOT_STATED';
      const g = byFunding.get(funding) ?? { funding, count: 0, totalFen: 0, people: [] };
      g.count++;
      g.totalFen += r.subsidyFen;
      g.people.push({ idNumber: maskResidentId(r.idNumber), category: r.category, amountFen: r.subsidyFen });
      byFunding.set(funding, g);
    }
    return {
      view: {
        region: q.region,
        season: q.season,
        policyId: policy.id,
        fundingSources: [...byFunding.values()],
      },
      file: (): TableFile => ({
        filename: `proxy-payments-${q.region}-${q.season}`,
        sheet: '代缴名单',
        header: ['funding', 'id_number', 'category', 'amount_fen'],
        lines: [...byFunding.values()].flatMap((g) => [
          ...g.people.map((p) => [g.funding, p.idNumber, p.category, p.amountFen]),
          [g.funding, `TOTAL ${g.count}`, null, g.totalFen],
        ]),
      }),
    };
  }
}
