import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { HttpMetrics } from '../http/http-metrics';
import { RoutedRequest, routeTemplate } from '../http/http-hygiene';
import { StructuredLogger } from '../logging/structured-logger';
import { ApiKeyRegistry } from './api-key-registry';
import { AreaScope } from './area-scope';
import { BaseRole, Principal, PUBLIC_KEY, ROLES_KEY } from './roles';

/**
 * `Authorization: Bearer <api key>` on every HTTP route except those marked @Public(). A missing or
 * unknown key is 401; a known key whose role the route does not admit is 403. Routes without @Roles
 * admit `admin` only, so forgetting the decorator closes a route rather than opening it.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyRegistry,
    private readonly metrics: HttpMetrics,
    private readonly logger: StructuredLogger,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = context.switchToHttp().getRequest<RoutedRequest>();
    const authorization = req.headers['authorization'];
    const m = /^Bearer\s+(\S+)$/i.exec(typeof authorization === 'string' ? authorization : '');
    if (!m) {
      this.refused(req, 'missing_key');
      throw new UnauthorizedException('missing API key: send Authorization: Bearer <key>');
    }
    const principal = this.keys.authenticate(m[1]);
    if (!principal) {
      this.refused(req, 'unknown_key');
      throw new UnauthorizedException('unknown API key');
    }
    const allowed = this.reflector.getAllAndOverride<BaseRole[]>(ROLES_KEY, targets) ?? ['admin'];
    if (!allowed.includes(principal.baseRole)) {
      throw new ForbiddenException(
        `role ${principal.role} may not call this endpoint (allowed: ${allowed.join(', ')})`,
      );
    }
    req.principal = principal;
    return true;
  }

  /** Failed authentication is counted and logged (never the key itself): probing shows up on a dashboard. */
  private refused(req: RoutedRequest, reason: 'missing_key' | 'unknown_key'): void {
    this.metrics.authFailures.inc({ reason });
    this.logger.warn('authentication failed', {
      reason,
      method: req.method,
      route: routeTemplate(req),
      remote: req.ip,
    });
  }
}

/**
 * Township keys see only their own area: call with the township code of what is about to be shown.
 * The rule itself lives in AreaScope.
 */
export function assertAreaVisible(principal: Principal, townshipCode: string | null | undefined): void {
  AreaScope.of(principal).assertCovers(townshipCode);
}
