import { Controller, Get, NotFoundException, Param, ParseIntPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { EXAMPLE_PEOPLE } from '@urrbmi/contracts';
import { isValidResidentId } from '@urrbmi/domain';
import {
  ApiErrors,
  assertAreaVisible,
  AuditPersonReads,
  CurrentPrincipal,
  DomainError,
  Principal,
  Roles,
} from '@urrbmi/platform';
import { LedgerRepository } from '../lifecycle/ledger.repository';
import { EnrollmentRepository } from '../standing/enrollment.repository';

@ApiTags('persons')
@ApiBearerAuth()
@Controller('v1/persons')
export class PersonSeasonController {
  constructor(
    private readonly repository: EnrollmentRepository,
    private readonly dataSource: DataSource,
    private readonly ledger: LedgerRepository,
  ) {}

  @Get(':idNumber/seasons/:season')
  @Roles('mib', 'township')
  @AuditPersonReads()
  @ApiOperation({
    summary:
      "A person's season at a glance: status, amount due, subsidy and its reason, payments, benefit period, history",
  })
  @ApiParam({ name: 'idNumber', example: EXAMPLE_PEOPLE.zhujiNewborn })
  @ApiErrors({ 400: ['INVALID_ID_NUMBER'], 404: [] })
  @ApiParam({ name: 'season', example: 2023 })
  async view(
    @Param('idNumber') idNumber: string,
    @Param('season', ParseIntPipe) season: number,
    @CurrentPrincipal() by: Principal,
  ) {
    if (!isValidResidentId(idNumber))
      throw new DomainError('INVALID_ID_NUMBER', 'idNumber must be a valid resident ID number', 400);
    const id = idNumber.toUpperCase();
    const e = await this.repository.findLatest(id, season);
    if (!e) throw new NotFoundException(`no enrolment for this person in season ${season}`);
    assertAreaVisible(by, e.townshipCode);
    const [ledgers, history] = await Promise.all([
      this.ledger.ledgers(this.dataSource, [e.id]),
      this.repository.history(e.id),
    ]);
    // The latest word of the subsidy service, after payment too (then it changes nothing this
    // season, but says why — e.g. an identity that began after payment).
    const assessed = [...history]
      .reverse()
      .find((h) => h.change === 'ASSESSED' || h.change === 'ASSESSMENT_AFTER_PAYMENT');
    const said = assessed?.details as { reasonCode?: string; reason?: string } | undefined;
    return {
      enrollmentId: e.id,
      idNumber: e.idNumber,
      name: e.name,
      season: e.season,
      regionCode: e.regionCode,
      townshipCode: e.townshipCode,
      villageCode: e.villageCode,
      kind: e.kind,
      status: e.status,
      policyId: e.policyId,
      standardFen: e.standardFen,
      amountDueFen: e.amountDueFen,
      subsidy: {
        fen: e.subsidyFen,
        category: e.subsidyCategory,
        mode: e.subsidyMode,
        reason: e.subsidyReason,
        latestAssessment: assessed
          ? {
              at: assessed.at,
              change: assessed.change,
              reasonCode: said?.reasonCode ?? null,
              reason: said?.reason ?? null,
            }
          : null,
      },
      paidFen: e.paidFen,
      paidAs: e.paidAs,
      paymentFlag: e.paymentFlag,
      refundCandidateFen:
        e.paymentFlag === 'OVERPAID'
          ? e.paidFen - (e.subsidyMode === 'FULL' ? e.standardFen : e.amountDueFen)
          : e.paymentFlag === 'PAID_OUTSIDE_WINDOW'
            ? e.paidFen
            : 0,
      doubleCover: e.doubleCover,
      benefitPeriod: e.benefitStart
        ? { from: e.benefitStart, to: e.benefitEnd, waitingMonths: e.waitingMonths }
        : null,
      cancelReason: e.cancelReason,
      payments: (ledgers.get(e.id) ?? []).map((p) => ({
        voucherNo: p.voucherNo,
        kind: p.kind,
        amountFen: p.amountFen,
        channel: p.channel,
        paidAt: p.paidAt,
      })),
      history: history.map((h) => ({ at: h.at, by: h.actor, change: h.change, details: h.details })),
    };
  }
}
