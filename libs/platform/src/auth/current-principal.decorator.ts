import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Principal } from './roles';

/** The authenticated key holder of this request. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<{ principal: Principal }>().principal;
});
