import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiKeyRegistry } from './api-key-registry';
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
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | undefined>; principal?: Principal }>();
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers['authorization'] ?? '');
    if (!m) throw new UnauthorizedException('missing API key: send Authorization: Bearer <key>');
    const principal = this.keys.authenticate(m[1]);
    if (!principal) throw new UnauthorizedException('unknown API key');
    const allowed = this.reflector.getAllAndOverride<BaseRole[]>(ROLES_KEY, targets) ?? ['admin'];
    if (!allowed.includes(principal.baseRole)) {
      throw new ForbiddenException(
        `role ${principal.role} may not call this endpoint (allowed: ${allowed.join(', ')})`,
      );
    }
    req.principal = principal;
    return true;
  }
}

/** Township keys see only their own area: call with the township code of what is about to be shown. */
export function assertAreaVisible(principal: Principal, townshipCode: string | null | undefined): void {
  if (principal.baseRole !== 'township') return;
  if (!townshipCode || townshipCode !== principal.townshipCode) {
    throw new ForbiddenException(`township ${principal.townshipCode} may only see its own area`);
  }
}
