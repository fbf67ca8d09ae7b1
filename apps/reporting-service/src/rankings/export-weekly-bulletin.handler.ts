import { Injectable } from '@nestjs/common';
import { CommandHandler } from '@urrbmi/platform';
import { XlsxDocument, xlsxOf } from '../shared/xlsx';
import { GetWeeklyRankingHandler, GetWeeklyRankingQuery, RankingRow } from './get-weekly-ranking.handler';

export class ExportWeeklyBulletinQuery extends GetWeeklyRankingQuery {}

/** 周通报 as XLSX: the same rows as `GET /v1/rankings/weekly`, in the same order. */
@Injectable()
export class ExportWeeklyBulletinHandler implements CommandHandler<ExportWeeklyBulletinQuery, XlsxDocument> {
  constructor(private readonly ranking: GetWeeklyRankingHandler) {}

  async execute(q: ExportWeeklyBulletinQuery): Promise<XlsxDocument> {
    const r = await this.ranking.execute(q);
    return xlsxOf<RankingRow>(
      `weekly-bulletin-${r.regionCode}-${r.season}-${r.week.to}.xlsx`,
      '周通报',
      `${r.regionCode} ${r.season} 年度征缴进度周通报 ${r.week.from} 至 ${r.week.to}`,
      [
        { header: '排名 rank', value: (x) => x.rank, width: 10 },
        { header: '单位代码 unit_code', value: (x) => x.unitCode, width: 16 },
        { header: '单位 unit_name', value: (x) => x.unitName, width: 18 },
        { header: '任务数 quota', value: (x) => x.quota },
        { header: '已参保缴费 active', value: (x) => x.active },
        { header: '完成率 completion_rate', value: (x) => x.completionRate },
        { header: '上周排名 previous_rank', value: (x) => x.previousRank },
        { header: '升降 movement', value: (x) => x.movement },
        { header: '连续落后周数 weeks_behind', value: (x) => x.weeksBehind },
        { header: '预警 alerted', value: (x) => x.alerted },
      ],
      r.rows,
    );
  }
}
