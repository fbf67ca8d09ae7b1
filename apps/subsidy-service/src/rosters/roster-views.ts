import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The answers of the roster routes, as the OpenAPI document (and so the typed client) states them. */
export class RosterRejectView {
  @ApiProperty({ example: 3 }) line!: number;
  @ApiPropertyOptional({ description: 'masked', example: '411421********0423' }) idNumber?: string;
  @ApiProperty({ example: 'OTHER_REGION' }) code!: string;
  @ApiProperty() message!: string;
}

export class RosterUploadView {
  @ApiProperty({ format: 'uuid' }) uploadId!: string;
  @ApiProperty({ example: 'CIVIL_AFFAIRS' }) source!: string;
  @ApiProperty({ example: '2023-10-01' }) asOf!: string;
  @ApiProperty({
    enum: ['PROCESSING', 'STAGED', 'APPROVED', 'REJECTED', 'FAILED'],
    description:
      'PROCESSING while the file job stages it (a roster above ROSTER_ASYNC_ABOVE_BYTES, answered 202); FAILED with `error`',
  })
  status!: 'PROCESSING' | 'STAGED' | 'APPROVED' | 'REJECTED' | 'FAILED';
  @ApiProperty({ example: 'minquan-civil-affairs-clerk' }) uploadedBy!: string;
  @ApiProperty({ type: String, nullable: true }) decidedBy!: string | null;
  @ApiProperty({ description: 'data rows read so far' }) rowsRead!: number;
  @ApiProperty() rowsStaged!: number;
  @ApiProperty() rowsRejected!: number;
  @ApiProperty({ type: [String], example: ['411421'] }) regionCodes!: string[];
  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    description: 'what approving changes: people added, changed and removed, by category',
  })
  summary!: Record<string, unknown> | null;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: "categories the region's policy does not subsidise",
  })
  warnings!: Record<string, unknown>[];
  @ApiProperty({ description: 'the same roster was uploaded before; this is that upload' })
  sameContentAsEarlierUpload!: boolean;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'why it FAILED: a refusal of the snapshot, the database away, or `set aside: …`',
  })
  error!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'REGION_REQUIRED',
    description: 'the refusal code, if any',
  })
  errorCode!: string | null;
  @ApiProperty({ example: '/v1/rosters/{uploadId}', description: 'GET it for the status (also `Location`)' })
  statusUrl!: string;
  @ApiProperty({ type: [RosterRejectView], description: 'the first 1,000 rejected rows' })
  rejects!: RosterRejectView[];
}

export class RosterApprovalView extends RosterUploadView {
  @ApiProperty({ description: 'people whose identities the approval changed' }) identitiesChangedFor!: number;
  @ApiProperty({ description: 'people re-assessed' }) reassessed!: number;
}
