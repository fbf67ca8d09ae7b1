import { ApiProperty } from '@nestjs/swagger';

/** The answers of the feed routes, as the OpenAPI document (and so the typed client) states them. */
class DeclaredTotals {
  @ApiProperty({ example: 1 }) count!: number;
  @ApiProperty({ example: 38000 }) totalFen!: number;
}

export class FeedExceptionView {
  @ApiProperty({ example: 2 }) line!: number;
  @ApiProperty({ enum: ['QUARANTINED', 'DUPLICATE'] }) kind!: string;
  @ApiProperty({ example: 'INVALID_ID_NUMBER' }) code!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ type: String, nullable: true, example: 'SD2023101600001' }) voucherNo!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'WECHAT' }) channel!: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 38000 }) amountFen!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'masked', example: '620725********1236' })
  idNumber!: string | null;
}

export class FeedSummaryView {
  @ApiProperty({ format: 'uuid' }) feedId!: string;
  @ApiProperty({ example: '2023-10-16' }) feedDate!: string;
  @ApiProperty({ example: '620725' }) regionCode!: string;
  @ApiProperty({ enum: ['PROCESSING', 'ACCEPTED', 'FAILED'] }) status!: 'PROCESSING' | 'ACCEPTED' | 'FAILED';
  @ApiProperty({ description: 'received after 16:00 on D+1' }) late!: boolean;
  @ApiProperty({ type: DeclaredTotals }) declared!: DeclaredTotals;
  @ApiProperty({ description: 'data rows read so far' }) rows!: number;
  @ApiProperty() applied!: number;
  @ApiProperty() reversed!: number;
  @ApiProperty() duplicates!: number;
  @ApiProperty() quarantined!: number;
  @ApiProperty() appliedTotalFen!: number;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
  @ApiProperty({ example: '/v1/feeds/{feedId}/rejects' }) rejectsUrl!: string;
}

export class FeedResultView extends FeedSummaryView {
  @ApiProperty({ description: 'the same bytes were pushed before; this is that result' })
  sameFileAsEarlierPush!: boolean;
  @ApiProperty({ type: [FeedExceptionView], description: 'the first 1,000 rejects' })
  rejects!: FeedExceptionView[];
}

export class FeedRejectsView {
  @ApiProperty({ format: 'uuid' }) feedId!: string;
  @ApiProperty({ type: [FeedExceptionView] }) rows!: FeedExceptionView[];
}
