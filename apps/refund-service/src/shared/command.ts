import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { DomainError } from '@urrbmi/platform';

function problems(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    return [...Object.values(e.constraints ?? {}), ...problems(e.children ?? [], path)];
  });
}

/**
 * A use case's input. `create` is the only way to make one and validates it there, so an HTTP body,
 * a CSV row and a Kafka event all pass the same checks before their handler runs.
 */
export abstract class Command {
  static create<T extends Command>(this: new () => T, plain: Omit<T, never>): T {
    const instance = plainToInstance(this, plain);
    const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length > 0) {
      const list = problems(errors);
      throw new DomainError('INVALID_COMMAND', list.join('; '), 400, list);
    }
    return instance;
  }
}
