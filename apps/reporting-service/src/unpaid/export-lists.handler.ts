import { Injectable } from '@nestjs/common';
import { maskResidentId } from '@urrbmi/domain';
import { UnpaidPerson } from '../facts/person-state.repository';
import { CommandHandler } from '@urrbmi/platform';
import { XlsxDocument, xlsxOf } from '../shared/xlsx';
import { GetHardshipHandler, GetHardshipQuery, NotEnrolledPerson } from './hardship.handlers';
import { ListUnpaidHandler, ListUnpaidQuery } from './list-unpaid.handler';

const yuan = (fen: number) => fen / 100;

export class ExportUnpaidQuery extends ListUnpaidQuery {}
export class ExportNotEnrolledQuery extends GetHardshipQuery {}

/** 精准催缴名单 as XLSX; ID numbers masked as in every export. */
@Injectable()
export class ExportUnpaidHandler implements CommandHandler<ExportUnpaidQuery, XlsxDocument> {
  constructor(private readonly unpaid: ListUnpaidHandler) {}

  async execute(q: ExportUnpaidQuery): Promise<XlsxDocument> {
    const rows = await this.unpaid.execute(q);
    const area = q.village ?? q.township ?? q.principal.townshipCode ?? q.region;
    return xlsxOf<UnpaidPerson>(
      `unpaid-${area}-${q.season}.xlsx`,
      '未缴费名单',
      `${area} ${q.season} 年度未缴费人员名单（精准催缴）`,
      [
        { header: '身份证号 id_number', value: (r) => maskResidentId(r.idNumber), width: 22 },
        { header: '姓名 name', value: (r) => r.name },
        { header: '乡镇 township_code', value: (r) => r.townshipCode, width: 16 },
        { header: '村 village_code', value: (r) => r.villageCode, width: 16 },
        { header: '应缴(元) amount_due', value: (r) => yuan(r.amountDueFen) },
        { header: '已缴(元) paid', value: (r) => yuan(r.paidFen) },
        { header: '资助类别 category', value: (r) => r.subsidyCategory, width: 20 },
      ],
      rows,
    );
  }
}

/** 困难群体未参保台账 as XLSX; ID numbers masked. */
@Injectable()
export class ExportNotEnrolledHandler implements CommandHandler<ExportNotEnrolledQuery, XlsxDocument> {
  constructor(private readonly hardship: GetHardshipHandler) {}

  async execute(q: ExportNotEnrolledQuery): Promise<XlsxDocument> {
    const r = await this.hardship.execute(q);
    return xlsxOf<NotEnrolledPerson>(
      `hardship-not-enrolled-${q.region}-${q.season}.xlsx`,
      '未参保台账',
      `${q.region} ${q.season} 年度困难群体未参保人员台账`,
      [
        { header: '身份证号 id_number', value: (x) => maskResidentId(x.idNumber), width: 22 },
        { header: '乡镇 township_code', value: (x) => x.townshipCode, width: 16 },
        { header: '村 village_code', value: (x) => x.villageCode, width: 16 },
        { header: '类别 category', value: (x) => x.category, width: 20 },
        { header: '原因 reason', value: (x) => x.reason, width: 30 },
        { header: '登记人 recorded_by', value: (x) => x.recordedBy },
      ],
      r.notEnrolled,
    );
  }
}
