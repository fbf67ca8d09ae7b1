import { Injectable, NotFoundException } from '@nestjs/common';
import { IsUUID } from 'class-validator';
import { Writable } from 'node:stream';
import { written } from '@urrbmi/files';
import { Command, CommandHandler } from '@urrbmi/platform';
import { FeedRepository } from './feed.repository';

const PAGE = 5000;

/** 异常明细: a feed's quarantined rows and duplicates, by line. */
export class ReadFeedRejectsQuery extends Command {
  @IsUUID()
  feedId!: string;
}

export interface FeedRejectsDownload {
  writeTo(out: Writable): Promise<void>;
}

/**
 * The rejects as one JSON document (`{ feedId, rows: [...] }`), read and sent a page at a time: a
 * file whose every row was rejected (the same million rows pushed as a new file) must not be held in
 * memory whole.
 */
@Injectable()
export class ReadFeedRejectsHandler implements CommandHandler<ReadFeedRejectsQuery, FeedRejectsDownload> {
  constructor(private readonly feeds: FeedRepository) {}

  async execute(q: ReadFeedRejectsQuery): Promise<FeedRejectsDownload> {
    if (!(await this.feeds.find(q.feedId))) throw new NotFoundException(`no feed ${q.feedId}`);
    return { writeTo: (out) => this.stream(q.feedId, out) };
  }

  private async stream(feedId: string, out: Writable): Promise<void> {
    await written(out, `{"feedId":${JSON.stringify(feedId)},"rows":[`);
    for (let after = 0, separator = ''; ; separator = ',') {
      const page = await this.feeds.exceptions(feedId, PAGE, after);
      if (page.length === 0) break;
      await written(out, separator + page.map((r) => JSON.stringify(r)).join(','));
      after = page[page.length - 1].line;
    }
    out.end(']}\n');
  }
}
