import { createParamDecorator, ExecutionContext, ForbiddenException } from '@nestjs/common';
import { Principal } from './roles';

/**
 * The one rule of township boundaries: a `township:<code>` key reads and writes only its own area
 * (its township and the villages below it, which carry the township's 9 digits as prefix, in the
 * county whose 6 digits begin it); every other role is county-wide. Derived from the principal once,
 * passed into commands and handlers, and used by repositories to filter (`townshipCode` is null
 * for a county-wide scope, so `($n::text IS NULL OR township_code = $n)` filters in SQL).
 */
export class AreaScope {
  private constructor(
    /** The township this scope is limited to; undefined when county-wide. */
    readonly townshipCode: string | undefined,
  ) {}

  /** County-wide: what a department key, a system or an event consumer sees. */
  static readonly ALL = new AreaScope(undefined);

  static of(principal: Pick<Principal, 'baseRole' | 'townshipCode'>): AreaScope {
    if (principal.baseRole !== 'township') return AreaScope.ALL;
    if (!principal.townshipCode) throw new Error('a township principal without a township code');
    return new AreaScope(principal.townshipCode);
  }

  /** The scope of a stored `holder|role` submitter or a bare role string (`township:620725100`). */
  static ofRole(role: string): AreaScope {
    const m = /^township:(\d{9})$/.exec(role);
    return m ? new AreaScope(m[1]) : AreaScope.ALL;
  }

  get limited(): boolean {
    return this.townshipCode !== undefined;
  }

  /** For SQL parameters: the township to filter on, or null for no filter. */
  get sqlTownship(): string | null {
    return this.townshipCode ?? null;
  }

  /**
   * A key for content deduplication of uploads: the same bytes from two townships are two uploads
   * (neither learns of the other's), from two county-wide keys one.
   */
  get dedupKey(): string {
    return this.townshipCode ?? '';
  }

  /** Whether a township or village code (or the region code of a county) lies in this scope. */
  covers(code: string | null | undefined): boolean {
    if (!this.townshipCode) return true;
    return !!code && code.length >= 9 && code.startsWith(this.townshipCode);
  }

  /** Whether the county of a region code contains this scope's township. */
  coversRegion(regionCode: string | null | undefined): boolean {
    if (!this.townshipCode) return true;
    return !!regionCode && this.townshipCode.startsWith(regionCode);
  }

  /** 403 unless the township (or village) code lies in this scope. */
  assertCovers(code: string | null | undefined): void {
    if (!this.covers(code)) throw this.refusal();
  }

  /**
   * 403 unless a record's whole address lies in this scope: its township, and when given its
   * county and village (a township key may not register someone in another county's village
   * under its own township code).
   */
  assertAddress(a: {
    regionCode?: string | null;
    townshipCode?: string | null;
    villageCode?: string | null;
  }): void {
    if (!this.townshipCode) return;
    this.assertCovers(a.townshipCode);
    if (a.regionCode != null && !this.coversRegion(a.regionCode)) throw this.refusal();
    if (a.villageCode != null && !this.covers(a.villageCode)) throw this.refusal();
  }

  /** Drops what lies outside this scope (details of a conflict, rows of a list). */
  visible<T>(value: T, townshipCode: string | null | undefined): T | undefined {
    return this.covers(townshipCode) ? value : undefined;
  }

  private refusal(): ForbiddenException {
    return new ForbiddenException(`township ${this.townshipCode} may only see its own area`);
  }
}

/** The area scope of this request's key holder (see AreaScope). */
export const CurrentScope = createParamDecorator((_: unknown, ctx: ExecutionContext): AreaScope => {
  const principal = ctx.switchToHttp().getRequest<{ principal?: Principal }>().principal;
  return principal ? AreaScope.of(principal) : AreaScope.ALL;
});
