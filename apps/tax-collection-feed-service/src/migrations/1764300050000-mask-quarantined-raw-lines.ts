import { MigrationInterface, QueryRunner } from 'typeorm';
import { maskResidentIdsInText } from '@urrbmi/domain';

/**
 * `exceptions.raw_line` of quarantined rows is stored masked from now on (issue #14): the raw feed
 * file in FEED_STORAGE_DIR and the line number lead to the original, and nothing reads the column
 * but the tax bureau's correction work. Lines stored before are masked here, 5,000 at a time.
 */
export class MaskQuarantinedRawLines1764300050000 implements MigrationInterface {
  name = 'MaskQuarantinedRawLines1764300050000';

  async up(q: QueryRunner): Promise<void> {
    let after: [string, number] = ['00000000-0000-0000-0000-000000000000', -1];
    for (;;) {
      const rows: { feed_id: string; line_no: number; raw_line: string }[] = await q.query(
        `SELECT feed_id, line_no, raw_line FROM tax_feed.exceptions
          WHERE raw_line IS NOT NULL AND (feed_id, line_no) > ($1::uuid, $2::int)
          ORDER BY feed_id, line_no LIMIT 5000`,
        after,
      );
      if (rows.length === 0) return;
      const changed = rows
        .map((r) => ({ ...r, masked: maskResidentIdsInText(r.raw_line) }))
        .filter((r) => r.masked !== r.raw_line);
      if (changed.length > 0)
        await q.query(
          `UPDATE tax_feed.exceptions e SET raw_line = c.masked
             FROM unnest($1::uuid[], $2::int[], $3::text[]) AS c(feed_id, line_no, masked)
            WHERE e.feed_id = c.feed_id AND e.line_no = c.line_no`,
          [changed.map((r) => r.feed_id), changed.map((r) => r.line_no), changed.map((r) => r.masked)],
        );
      const last = rows[rows.length - 1];
      after = [last.feed_id, last.line_no];
    }
  }

  async down(): Promise<void> {
    // Masking cannot be undone; the raw feed files still hold every line.
  }
}
