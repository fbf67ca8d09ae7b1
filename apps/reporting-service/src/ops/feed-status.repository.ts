import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface FeedStatus {
  regionCode: string;
  /** Payment date of the latest feed received, and when it was accepted. */
  lastFeedDate: string | null;
  lastReceivedAt: string | null;
  /** A feed the tax service declared late (feed.late) that has not arrived, later than the last one received. */
  late: boolean;
  lateFeedDate: string | null;
}

/** The tax bureau's daily feed as the reporting service saw it (feed.accepted, feed.late). */
@Injectable()
export class FeedStatusRepository {
  constructor(private readonly dataSource: DataSource) {}

  async perRegion(): Promise<FeedStatus[]> {
    const rows: {
      region_code: string;
      last_date: string | null;
      last_at: Date | null;
      late_date: string | null;
    }[] = await this.dataSource.query(
      `WITH regions AS (SELECT region_code FROM reporting.fact_feed UNION SELECT region_code FROM reporting.fact_feed_late),
            last AS (SELECT DISTINCT ON (region_code) region_code, feed_date, accepted_at FROM reporting.fact_feed
                      ORDER BY region_code, feed_date DESC, accepted_at DESC)
       SELECT r.region_code, to_char(l.feed_date, 'YYYY-MM-DD') AS last_date, l.accepted_at AS last_at,
              (SELECT to_char(max(x.feed_date), 'YYYY-MM-DD') FROM reporting.fact_feed_late x
                WHERE x.region_code = r.region_code AND (l.feed_date IS NULL OR x.feed_date > l.feed_date)
                  AND NOT EXISTS (SELECT 1 FROM reporting.fact_feed f
                                   WHERE f.region_code = x.region_code AND f.feed_date = x.feed_date)) AS late_date
         FROM regions r LEFT JOIN last l ON l.region_code = r.region_code
        ORDER BY r.region_code`,
    );
    return rows.map((r) => ({
      regionCode: r.region_code,
      lastFeedDate: r.last_date,
      lastReceivedAt: r.last_at ? r.last_at.toISOString() : null,
      late: r.late_date !== null,
      lateFeedDate: r.late_date,
    }));
  }
}
