import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, Observable, switchMap } from 'rxjs';
import { isValidResidentId } from '@urrbmi/domain';
import { Principal } from '../auth/roles';
import { Clock } from '../clock/clock';
import { routeTemplate, RoutedRequest } from '../http/http-hygiene';
import { RecordPersonReadsCommand, RecordPersonReadsHandler } from './person-reads.use-cases';

export const AUDIT_PERSON_READS_KEY = 'urrbmi:audit-person-reads';

const ID_SHAPE = /^\d{17}[\dXx]$/;

/** Every resident ID number in route parameters and in a JSON body (deep, strings only). */
export function residentIdsIn(params: Record<string, unknown>, body: unknown): string[] {
  const found = new Set<string>();
  const visit = (v: unknown, depth: number): void => {
    if (typeof v === 'string') {
      if (ID_SHAPE.test(v) && isValidResidentId(v)) found.add(v.toUpperCase());
    } else if (Array.isArray(v)) {
      for (const x of v) visit(x, depth + 1);
    } else if (v && typeof v === 'object' && depth < 8) {
      for (const x of Object.values(v)) visit(x, depth + 1);
    }
  };
  visit(params, 0);
  visit(body, 0);
  return [...found];
}

/**
 * Records reads of persons on routes marked with @AuditPersonReads, after the handler answered and
 * before the answer leaves: one INSERT per call (every person in one statement). If the record
 * cannot be written the read fails too: a read that leaves no trace is what the audit exists to
 * prevent. Streamed exports (the handler writes the response itself) carry no body to look into.
 */
@Injectable()
export class PersonReadsInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly record: RecordPersonReadsHandler,
    private readonly clock: Clock,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const audited =
      ctx.getType() === 'http' &&
      this.reflector.getAllAndOverride<boolean>(AUDIT_PERSON_READS_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (!audited) return next.handle();
    const req = ctx
      .switchToHttp()
      .getRequest<RoutedRequest & { principal?: Principal; params?: Record<string, unknown> }>();
    return next.handle().pipe(
      switchMap((body) =>
        from(
          (async () => {
            const idNumbers = residentIdsIn(req.params ?? {}, body);
            if (idNumbers.length > 0 && req.principal)
              await this.record.execute(
                Object.assign(new RecordPersonReadsCommand(), {
                  at: this.clock.now(),
                  holder: req.principal.holder,
                  role: req.principal.role,
                  route: `${req.method} ${routeTemplate(req)}`,
                  idNumbers,
                }),
              );
            return body;
          })(),
        ),
      ),
    );
  }
}

/**
 * Marks a route that returns named persons: each successful call records, for every person it
 * returned or was asked about, who read the record (see PersonReadsInterceptor). One line on the
 * controller; nothing else changes there. The interceptor is bound to the marked routes only, not
 * globally: a global interceptor puts every other request through an rxjs pipeline and an async
 * resource per call (about a tenth of the CPU of a registration under load) to do nothing.
 */
export const AuditPersonReads = () =>
  applyDecorators(SetMetadata(AUDIT_PERSON_READS_KEY, true), UseInterceptors(PersonReadsInterceptor));
