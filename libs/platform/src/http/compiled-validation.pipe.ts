import { ArgumentMetadata, Injectable, ValidationPipe } from '@nestjs/common';
import { compiledValidInstance } from '@urrbmi/contracts';

/**
 * Nest's ValidationPipe with `whitelist`, `forbidNonWhitelisted` and `transform`, in front of which
 * a body, query or route parameter that is a plain object of primitives goes through the compiled
 * check first (compiledValidInstance): a valid request gets the same instance without
 * class-transformer and class-validator's per-call metadata look-ups. Anything else, and every
 * invalid request, takes Nest's pipe unchanged, so refusals are worded exactly as before.
 */
@Injectable()
export class CompiledValidationPipe extends ValidationPipe {
  constructor() {
    super({ whitelist: true, forbidNonWhitelisted: true, transform: true });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const cls = metadata.metatype as (new () => object) | undefined;
    if (cls && metadata.type !== 'custom' && isPlainObject(value)) {
      const instance = compiledValidInstance(cls, value);
      if (instance) return instance;
    }
    return super.transform(value, metadata);
  }
}

function isPlainObject(v: unknown): v is object {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}
