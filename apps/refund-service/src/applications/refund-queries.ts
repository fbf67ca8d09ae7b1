import { Injectable, NotFoundException } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import {
  IsResidentId,
  REFUND_APPLICATION_REASONS,
  refundPaidReasonOf,
  REGION_CODE,
  TOWNSHIP_CODE,
} from '@urrbmi/contracts';
import { AreaScope, assertAreaVisible, Clock, Principal } from '@urrbmi/platform';
import { overpaymentFen, PolicyRegistry, refundAdmissibility } from '@urrbmi/policy';
import { ProjectionsRepository } from '../projections/projections.repository';
import { REFUND_STATES } from '../refunds/refund-state-machine';
import { refundView, RefundView } from '../refunds/refund-view';
import { RefundsRepository } from '../refunds/refunds.repository';
import { Command } from '@urrbmi/platform';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `GET /v1/refunds` filters. */
export class RefundListFilter extends Command {
  @ApiPropertyOptional({ enum: REFUND_STATES })
  @IsOptional()
  @IsIn(REFUND_STATES)
  state?: string;

  @ApiPropertyOptional({ enum: REFUND_APPLICATION_REASONS })
  @IsOptional()
  @IsIn(REFUND_APPLICATION_REASONS)
  reason?: string;

  @ApiPropertyOptional({ example: '620725' })
  @IsOptional()
  @Matches(REGION_CODE, { message: 'regionCode must be a 6-digit division code' })
  regionCode?: string;

  @ApiPropertyOptional({ example: '620725100' })
  @IsOptional()
  @Matches(TOWNSHIP_CODE, { message: 'townshipCode must be a 9-digit division code' })
  townshipCode?: string;

  @ApiPropertyOptional({ example: '2021-11-01', description: 'entered on or after (Asia/Shanghai date)' })
  @IsOptional()
  @Matches(DATE, { message: 'from must be YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({ example: '2021-11-30', description: 'entered on or before' })
  @IsOptional()
  @Matches(DATE, { message: 'to must be YYYY-MM-DD' })
  to?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^.{1,64}$/)
  voucherNo?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsResidentId()
  idNumber?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  planId?: string;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Max(1000)
  @Min(1)
  @IsInt()
  @Type(() => Number)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Min(0)
  @IsInt()
  @Type(() => Number)
  offset?: number;
}

export class ListRefundsQuery extends RefundListFilter {
  /** Township keys see their own township only. */
  @IsOptional()
  @Matches(TOWNSHIP_CODE)
  ownTownship?: string;
}

/** `GET /v1/refund-candidates` filters. */
export class RefundCandidateFilter extends Command {
  @ApiPropertyOptional({ example: 2021 })
  @Max(2100)
  @Min(2000)
  @IsInt()
  @Type(() => Number)
  season!: number;

  @ApiPropertyOptional({ example: '620725' })
  @Matches(REGION_CODE, { message: 'regionCode must be a 6-digit division code' })
  regionCode!: string;

  @ApiPropertyOptional({ example: '620725100' })
  @IsOptional()
  @Matches(TOWNSHIP_CODE, { message: 'townshipCode must be a 9-digit division code' })
  townshipCode?: string;

  @ApiPropertyOptional({ default: 500, maximum: 5000 })
  @IsOptional()
  @Max(5000)
  @Min(1)
  @IsInt()
  @Type(() => Number)
  limit?: number;
}

export class ListRefundCandidatesQuery extends RefundCandidateFilter {}

const SUGGESTED_BY_CANCEL = {
  DEATH: 'DEATH',
  TRANSFER_OUT: 'TRANSFER_OUT',
  EMPLOYEE_INSURANCE: 'DOUBLE_COVER',
} as const;

/** The read side of refunds: one refund with its transitions, lists, and candidates for the tax desk. */
@Injectable()
export class RefundQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly refunds: RefundsRepository,
    private readonly projections: ProjectionsRepository,
    private readonly policies: PolicyRegistry,
    private readonly clock: Clock,
  ) {}

  async get(id: string, by: Principal): Promise<RefundView> {
    const r = await this.refunds.get(this.dataSource, id);
    if (!r) throw new NotFoundException(`no refund ${id}`);
    assertAreaVisible(by, r.townshipCode);
    return refundView(r, await this.refunds.transitions(this.dataSource, id));
  }

  async list(q: ListRefundsQuery) {
    const limit = q.limit ?? 100;
    const offset = q.offset ?? 0;
    const { total, items } = await this.refunds.list({
      ...q,
      townshipCode: q.ownTownship ?? q.townshipCode,
      limit,
      offset,
    });
    return { total, limit, offset, items: items.map((r) => refundView(r)) };
  }

  /**
   * 多缴、注销 — who could be owed money this season: over-payers of a live enrolment (beyond the
   * standard, the policy's amount due before any subsidy) and people whose enrolment was cancelled
   * after paying, net of refunds already open or paid, with the policy's view of the suggested reason.
   */
  async candidates(q: ListRefundCandidatesQuery) {
    const today = this.clock.today();
    const policy = this.policies.find(q.regionCode, q.season);
    const rows = await this.projections.candidates(q.season, q.regionCode, q.townshipCode, q.limit ?? 500);
    const items = rows
      .map((c) => {
        const cancelled = c.cancelReason !== null;
        const refundableFen = cancelled
          ? Math.max(0, c.paidFen - c.refundingFen)
          : overpaymentFen({
              paidFen: c.paidFen - c.refundingFen,
              amountDueFen: c.standardFen,
              standardFen: c.standardFen,
              subsidyMode: null,
            });
        const reason = cancelled
          ? (SUGGESTED_BY_CANCEL[c.cancelReason as keyof typeof SUGGESTED_BY_CANCEL] ?? 'OTHER')
          : c.vouchers.length > 1
            ? 'DUPLICATE_PAYMENT'
            : 'OVERPAYMENT';
        const free = c.vouchers.filter((v) => !v.openRefund);
        return {
          idNumber: c.idNumber,
          name: c.name,
          season: c.season,
          regionCode: c.regionCode,
          townshipCode: c.townshipCode,
          standing: cancelled ? `CANCELLED (${c.cancelReason})` : 'OVERPAID',
          paidFen: c.paidFen,
          amountDueFen: cancelled ? 0 : c.standardFen,
          alreadyRefundingFen: c.refundingFen,
          refundableFen,
          suggestedReason: reason,
          suggestedVoucherNo: free.length ? free[free.length - 1].voucherNo : null,
          admissibility: policy ? refundAdmissibility(policy, refundPaidReasonOf(reason), today) : null,
          vouchers: c.vouchers,
        };
      })
      .filter((c) => c.refundableFen > 0);
    return { season: q.season, regionCode: q.regionCode, asOf: today, items };
  }
}

export const listQuery = (f: RefundListFilter, by: Principal) =>
  ListRefundsQuery.create({ ...f, ownTownship: AreaScope.of(by).townshipCode });
export const candidatesQuery = (f: RefundCandidateFilter) => ListRefundCandidatesQuery.create({ ...f });
