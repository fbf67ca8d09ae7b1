import { randomUUID } from 'node:crypto';
import { EventInjector } from './events';

/**
 * Contract-valid events of one person, as the other services would publish them, for driving the
 * reporting service from a test. Times are Asia/Shanghai wall clock ("2023-10-09T10:00").
 */
export class PersonEvents {
  readonly enrollmentId = randomUUID();

  constructor(
    private readonly inject: EventInjector,
    readonly idNumber: string,
    readonly area: { regionCode: string; townshipCode?: string; villageCode?: string },
    readonly season = 2023,
  ) {}

  private at(local: string): string {
    return `${local}:00+08:00`;
  }

  registered(local: string, amountDueFen = 38000) {
    return this.inject.envelope('enrollment.registered', {
      enrollmentId: this.enrollmentId,
      idNumber: this.idNumber,
      name: `测试${this.idNumber.slice(-4)}`,
      season: this.season,
      ...this.area,
      kind: 'NEW',
      policyId: `${this.area.regionCode}-${this.season}`,
      amountDueFen,
      registeredAt: this.at(local),
    });
  }

  activated(local: string, paidAs: 'PAID' | 'PROXY_PAID' = 'PAID', paidFen = 38000) {
    return this.inject.envelope('enrollment.activated', {
      enrollmentId: this.enrollmentId,
      idNumber: this.idNumber,
      season: this.season,
      ...this.area,
      paidAs,
      paidFen,
      benefitStart: `${this.season + 1}-01-01`,
      benefitEnd: `${this.season + 1}-12-31`,
      waitingMonths: 0,
      activatedAt: this.at(local),
    });
  }

  cancelled(local: string, reason: 'TRANSFER_OUT' | 'DEATH' | 'EMPLOYEE_INSURANCE', paidFen = 38000) {
    return this.inject.envelope('enrollment.cancelled', {
      enrollmentId: this.enrollmentId,
      idNumber: this.idNumber,
      season: this.season,
      regionCode: this.area.regionCode,
      reason,
      effectiveDate: local.slice(0, 10),
      paidFen,
      cancelledAt: this.at(local),
    });
  }

  paid(voucherNo: string, local: string, channel: string, amountFen = 38000) {
    return this.inject.envelope('payment.recorded', {
      voucherNo,
      idNumber: this.idNumber,
      name: `测试${this.idNumber.slice(-4)}`,
      ...this.area,
      season: this.season,
      amountFen,
      channel,
      paidAt: this.at(local),
      feedId: randomUUID(),
    });
  }

  reversed(voucherNo: string, originalVoucherNo: string, local: string, amountFen = -38000) {
    return this.inject.envelope('payment.reversed', {
      voucherNo,
      originalVoucherNo,
      idNumber: this.idNumber,
      regionCode: this.area.regionCode,
      season: this.season,
      amountFen,
      reversedAt: this.at(local),
      feedId: randomUUID(),
    });
  }

  refunded(local: string, amountFen = 38000, reason = 'DOUBLE_COVER_EMPLOYEE') {
    return this.inject.envelope('refund.paid', {
      refundId: randomUUID(),
      idNumber: this.idNumber,
      season: this.season,
      regionCode: this.area.regionCode,
      amountFen,
      reason,
      paidAt: this.at(local),
    });
  }

  assessed(
    local: string,
    a: { category: string; subsidyFen: number; mode: string; amountDueFen: number; route?: string },
  ) {
    return this.inject.envelope('subsidy.assessed', {
      idNumber: this.idNumber,
      season: this.season,
      regionCode: this.area.regionCode,
      policyId: `${this.area.regionCode}-${this.season}`,
      ...a,
      reason: 'roster',
      assessedAt: this.at(local),
    });
  }

  transfer(local: string, amountFen: number, category: string, route: string, transferMonth: string) {
    const transferId = randomUUID();
    return {
      requested: this.inject.envelope('subsidy.transfer.requested', {
        transferId,
        idNumber: this.idNumber,
        season: this.season,
        regionCode: this.area.regionCode,
        amountFen,
        category,
        route,
        transferMonth,
        requestedAt: this.at(local),
      }),
      settled: (settledLocal: string, status: 'PAID' | 'FAILED' = 'PAID') =>
        this.inject.envelope('subsidy.transfer.settled', {
          transferId,
          idNumber: this.idNumber,
          season: this.season,
          status,
          amountFen,
          ...(status === 'FAILED' ? { failure: 'account closed' } : {}),
          settledAt: this.at(settledLocal),
        }),
    };
  }
}

export async function postQuotas(
  base: string,
  key: string,
  body: string | Buffer,
  contentType = 'text/csv',
  declaredTotal?: number,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(`${base}/v1/quotas`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': contentType,
      ...(declaredTotal !== undefined ? { 'x-declared-total': String(declaredTotal) } : {}),
    },
    body,
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

/**
 * Publishes with a few retries: a broker shared by parallel test runs sometimes answers "not the
 * leader" for a partition of a topic just created. Resending is safe: the events keep their ids,
 * and the consumer's inbox applies each once.
 */
export async function publish(
  inject: EventInjector,
  envelopes: ReturnType<EventInjector['envelope']>[],
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await inject.send(envelopes);
      return;
    } catch (e) {
      if (attempt >= 5) throw e;
      await new Promise((r) => setTimeout(r, 1000 * attempt));
    }
  }
}
