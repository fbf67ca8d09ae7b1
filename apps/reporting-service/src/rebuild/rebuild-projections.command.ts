import { IsInt, Matches, Max, Min } from 'class-validator';

/** Drop the projections and replay every projected topic from its beginning. */
export class RebuildProjectionsCommand {
  /**
   * The replaying consumer group of a new rebuild (fresh: it has never committed an offset). An
   * unfinished rebuild is carried on with its own group instead.
   */
  @Matches(/^[a-z0-9._-]{1,200}$/, { message: 'groupId may hold only a-z 0-9 . _ -' })
  groupId!: string;

  /** Give up (and say so) when the replay has not caught up by then. */
  @IsInt()
  @Min(1000)
  @Max(86_400_000)
  timeoutMs = 30 * 60_000;
}
