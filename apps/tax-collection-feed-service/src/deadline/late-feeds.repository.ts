import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export interface FeedDay {
  regionCode: string;
  feedDate: string;
}

/** 迟报: the marks of feeds that did not arrive by their deadline. */
@Injectable()
export class LateFeedsRepository {
  /**
   * Marks every day in `due` for which no feed (other than a FAILED one) arrived and no mark exists
   * yet; returns the days marked now, so that each is raised once.
   */
  async markMissing(m: EntityManager, due: FeedDay[], raisedAt: Date): Promise<FeedDay[]> {
    const rows: { region_code: string; feed_date: string }[] = await m.query(
      `INSERT INTO tax_feed.late_feeds (region_code, feed_date, raised_at)
       SELECT d.r, d.f, $3::timestamptz FROM unnest($1::text[], $2::date[]) AS d(r, f)
        WHERE NOT EXISTS (SELECT 1 FROM tax_feed.feeds x WHERE x.region_code = d.r AND x.feed_date = d.f AND x.status <> 'FAILED')
       ON CONFLICT DO NOTHING
       RETURNING region_code, to_char(feed_date, 'YYYY-MM-DD') AS feed_date`,
      [due.map((x) => x.regionCode), due.map((x) => x.feedDate), raisedAt],
    );
    return rows.map((r) => ({ regionCode: r.region_code, feedDate: r.feed_date }));
  }
}
