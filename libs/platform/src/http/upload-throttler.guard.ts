import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { Principal } from '../auth/roles';

/** A request carrying a file (CSV, XLSX, anything but JSON) rather than a JSON command. */
export function isFileUpload(req: {
  method: string;
  headers: Record<string, string | string[] | undefined>;
}): boolean {
  if (req.method !== 'POST' && req.method !== 'PUT') return false;
  const type = req.headers['content-type'];
  return typeof type === 'string' && type !== '' && !/^application\/json\b/i.test(type);
}

/**
 * Uploads are the expensive requests (a file is stored, hashed and parsed), so each key holder may
 * start only so many per minute; JSON calls are not limited here. Runs after the API-key guard, so
 * the holder is known; the limit is counted per holder, not per address (departments share NATs).
 */
@Injectable()
export class UploadThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    return !isFileUpload(context.switchToHttp().getRequest());
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const principal = req.principal as Principal | undefined;
    return principal ? `holder:${principal.holder}` : `ip:${String(req.ip)}`;
  }

  protected override async getErrorMessage(): Promise<string> {
    return 'too many uploads from this key holder; wait a minute and send again';
  }
}
