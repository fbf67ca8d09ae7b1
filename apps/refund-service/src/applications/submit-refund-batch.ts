import { Injectable } from '@nestjs/common';
import { IsInt, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import { FILE_FORMATS, fileColumns } from '@urrbmi/contracts';
import { maskResidentId, maskResidentIdsInText } from '@urrbmi/domain';
import { readTabularRows } from '@urrbmi/files';
import { DomainError } from '@urrbmi/platform';
import { Command } from '@urrbmi/platform';
import { RefundApplicationBody, SubmitRefundApplicationCommand } from './submit-refund-application.command';
import { SubmitRefundApplicationHandler } from './submit-refund-application.handler';
import { ApplicationErrors } from './application.errors';

/** The columns of the refund batch file (libs/contracts, the same as its template). */
export const REFUND_BATCH_COLUMNS = FILE_FORMATS['refund-batch'].columns.map((c) => c.name);
const REQUIRED = fileColumns('refund-batch').required;
const MAX_ROWS = 20_000;

/** A day's applications as one stored file. */
export class SubmitRefundBatchCommand extends Command {
  @IsString()
  path!: string;

  @IsString()
  contentType!: string;

  @Matches(/^[0-9a-f]{64}$/)
  sha256!: string;

  @MaxLength(100)
  @IsString()
  enteredBy!: string;

  /** Rows are idempotent by `<key>:<line>`: the Idempotency-Key header, else the file's hash. */
  @IsOptional()
  @Matches(/^[\x21-\x7e]{1,150}$/, { message: 'Idempotency-Key must be 1 to 150 printable ASCII characters' })
  idempotencyKey?: string;

  @IsOptional()
  @Min(1)
  @IsInt()
  maxRows?: number;
}

export interface BatchRowReject {
  line: number;
  voucherNo: string | null;
  /** Masked: the reject list travels in mails and spreadsheets. */
  idNumber: string | null;
  code: string;
  message: string;
}

/**
 * `POST /v1/refunds/batch`: every row is one application through the same command and handler as
 * `POST /v1/refunds` (same validation, pre-checks, one open refund per voucher); rows that cannot be
 * entered are listed with their reason. Sending the same file again enters nothing twice.
 */
@Injectable()
export class SubmitRefundBatchHandler {
  constructor(private readonly submit: SubmitRefundApplicationHandler) {}

  async execute(cmd: SubmitRefundBatchCommand) {
    const key = cmd.idempotencyKey ?? `file:${cmd.sha256}`;
    const refunds: {
      line: number;
      refundId: string;
      voucherNo: string;
      precheckPassed: boolean;
      replayed: boolean;
    }[] = [];
    const rejected: BatchRowReject[] = [];
    let rows = 0;
    let header = true;
    for await (const row of readTabularRows(cmd.path, cmd.contentType)) {
      if (header) {
        const missing = REQUIRED.filter((c) => !(c in row.values));
        if (missing.length)
          throw ApplicationErrors.MISSING_COLUMNS(`missing columns: ${missing.join(', ')}`, {
            expected: REFUND_BATCH_COLUMNS,
          });
        header = false;
      }
      if (++rows > (cmd.maxRows ?? MAX_ROWS))
        throw ApplicationErrors.TOO_MANY_ROWS(`a refund batch holds at most ${cmd.maxRows ?? MAX_ROWS} rows`);
      const v = row.values;
      try {
        const body = {
          voucherNo: v.voucher_no,
          idNumber: v.id_number,
          amountFen: /^-?\d+$/.test(v.amount_fen ?? '') ? Number(v.amount_fen) : v.amount_fen,
          reason: v.reason,
          payeeName: v.payee_name,
          payeeAccount: v.payee_account,
          ...(v.payee_bank ? { payeeBank: v.payee_bank } : {}),
          ...(v.note ? { note: v.note } : {}),
        } as unknown as RefundApplicationBody;
        const done = await this.submit.execute(
          SubmitRefundApplicationCommand.of(body, cmd.enteredBy, `${key}:${row.line}`),
        );
        refunds.push({
          line: row.line,
          refundId: done.refund.id,
          voucherNo: done.refund.voucherNo,
          precheckPassed: done.refund.precheck.passed,
          replayed: done.replayed,
        });
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        rejected.push({
          line: row.line,
          voucherNo: v.voucher_no ? maskResidentIdsInText(v.voucher_no) : null,
          idNumber: v.id_number ? maskResidentId(v.id_number) : null,
          code: e.code,
          message: maskResidentIdsInText(e.message),
        });
      }
    }
    if (rows === 0) throw ApplicationErrors.EMPTY_FILE('the file has no application rows');
    return {
      rows,
      entered: refunds.filter((r) => !r.replayed).length,
      replayed: refunds.filter((r) => r.replayed).length,
      rejectedCount: rejected.length,
      refunds,
      rejected,
    };
  }
}
