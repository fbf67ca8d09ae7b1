import {
  IsBoolean,
  IsInt,
  Matches,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

/** Import one task-breakdown table (任务分解表) already stored on disk (an upload or a seed file). */
export class ImportQuotasCommand {
  @IsString()
  @MinLength(1)
  file!: string;

  @Matches(/^(text\/csv\b.*|application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet.*)$/i, {
    message: 'contentType must be text/csv (UTF-8 or charset=gbk) or XLSX',
  })
  contentType!: string;

  /** The 合计 as the notice declares it, when it is not a row of the table. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  declaredTotal?: number;

  @IsString()
  @MaxLength(200)
  source!: string;

  @IsString()
  @MaxLength(200)
  importedBy!: string;

  /** Boot loading: import only when the county-season has no table yet. */
  @IsBoolean()
  onlyIfMissing = false;
}
