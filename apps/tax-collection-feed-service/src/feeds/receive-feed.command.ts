import { Readable } from 'node:stream';
import { isBusinessDate } from '@urrbmi/domain';
import { DomainError, Principal } from '@urrbmi/platform';

/**
 * 接收税务缴费明细: one pushed feed, its headers checked on creation (400 `BAD_HEADER` naming the
 * header). The body is read by the handler, which stores it before anything else.
 */
export class ReceiveFeedCommand {
  private constructor(
    readonly feedDate: string,
    readonly regionCode: string,
    readonly declaredCount: number,
    readonly declaredTotalFen: number,
    readonly contentType: string,
    readonly body: Readable,
    readonly by: Principal,
  ) {}

  static create(input: {
    feedDate: string;
    regionCode: string;
    recordCount: string;
    totalAmountFen: string;
    contentType: string;
    body: Readable;
    by: Principal;
  }): ReceiveFeedCommand {
    if (!isBusinessDate(input.feedDate))
      throw new DomainError('BAD_HEADER', 'X-Feed-Date must be a date YYYY-MM-DD', 400);
    if (!/^\d{6}$/.test(input.regionCode))
      throw new DomainError(
        'BAD_HEADER',
        `X-Region-Code ${input.regionCode} is not a region with a policy`,
        400,
      );
    if (!/^\d{1,9}$/.test(input.recordCount))
      throw new DomainError('BAD_HEADER', 'X-Record-Count must be a whole number', 400);
    if (!/^-?\d{1,15}$/.test(input.totalAmountFen))
      throw new DomainError('BAD_HEADER', 'X-Total-Amount-Fen must be an integer number of fen', 400);
    return new ReceiveFeedCommand(
      input.feedDate,
      input.regionCode,
      Number(input.recordCount),
      Number(input.totalAmountFen),
      input.contentType,
      input.body,
      input.by,
    );
  }
}
