import { Injectable } from '@nestjs/common';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { maskResidentId } from '@urrbmi/domain';
import { Command } from '@urrbmi/platform';
import { LIST_FORMATS, ListFormat, TableFile } from '../shared/table-file';
import { TransferRepository } from './transfer.repository';

/** `ListTransfers` of a transfer month, optionally of one payout route. */
export class ListTransfersQuery extends Command {
  @Matches(/^\d{4}-\d{2}$/, { message: 'month must be YYYY-MM' })
  month!: string;

  @IsOptional()
  @MaxLength(50)
  @IsString()
  route?: string;

  @IsOptional()
  @IsIn(LIST_FORMATS)
  format?: ListFormat;
}

interface RouteGroup {
  route: string;
  count: number;
  totalFen: number;
  instructions: object[];
}

/**
 * Transfer instructions of a month per payout route with totals; as a file, the instruction file of
 * a route: one line per transfer and a total line. ID numbers are masked like every export; the
 * transfer id is what the bank's result refers back to.
 */
@Injectable()
export class ListTransfersHandler {
  constructor(private readonly transfers: TransferRepository) {}

  async execute(q: ListTransfersQuery) {
    const rows = await this.transfers.ofMonth(q.month, q.route);
    const routes = new Map<string, RouteGroup>();
    for (const r of rows) {
      const g = routes.get(r.route) ?? { route: r.route, count: 0, totalFen: 0, instructions: [] };
      g.count++;
      g.totalFen += r.amountFen;
      g.instructions.push({
        transferId: r.id,
        idNumber: maskResidentId(r.idNumber),
        amountFen: r.amountFen,
        category: r.category,
        status: r.status,
      });
      routes.set(r.route, g);
    }
    return {
      view: { month: q.month, routes: [...routes.values()] },
      file: (): TableFile => ({
        filename: `transfers-${q.month}`,
        sheet: q.month,
        header: ['transfer_id', 'id_number', 'region_code', 'category', 'amount_fen', 'route', 'status'],
        lines: [
          ...rows.map((r) => [
            r.id,
            maskResidentId(r.idNumber),
            r.regionCode,
            r.category,
            r.amountFen,
            r.route,
            r.status,
          ]),
          [
            'TOTAL',
            rows.length,
            null,
            null,
            rows.reduce((s, r) => s + r.amountFen, 0),
            q.route ?? null,
            null,
          ],
        ],
      }),
    };
  }
}
