import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError, ValidatorOptions } from 'class-validator';
import { compiledValidInstance } from '@urrbmi/contracts';
import { DomainError } from '../errors/domain-error';

function describe(errors: ValidationError[], parent = ''): { field: string; problem: string }[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((problem) => ({ field: `${parent}${e.property}`, problem })),
    ...describe(e.children ?? [], `${parent}${e.property}.`),
  ]);
}

/**
 * Builds a command from plain input and validates it on creation, so HTTP, a file row, Kafka, the
 * scheduler and the CLI all pass the same check before a handler runs. A bad command is a 400
 * `INVALID_COMMAND` naming every field.
 */
export function createCommand<T extends object>(type: new () => T, input: object): T {
  return (
    compiledValidInstance(type, input, { exposeDefaultValues: true }) ??
    validated(plainToInstance(type, input, { exposeDefaultValues: true }), {
      whitelist: true,
      forbidNonWhitelisted: true,
    })
  );
}

/** Validates a command built in code (one holding live objects, such as a transaction). */
export function validated<T extends object>(cmd: T, options: ValidatorOptions = {}): T {
  const errors = validateSync(cmd, { forbidUnknownValues: false, ...options });
  if (errors.length > 0) {
    const problems = describe(errors);
    throw new DomainError('INVALID_COMMAND', problems.map((p) => p.problem).join('; '), 400, {
      command: cmd.constructor.name,
      problems,
    });
  }
  return cmd;
}

/** A use case's input as a class: `Command.create` is `createCommand` for that class. */
export abstract class Command {
  static create<T extends Command>(this: new () => T, plain: Omit<T, never>): T {
    return createCommand(this, plain);
  }
}

/** One use case: exactly one handler per command. */
export interface CommandHandler<C, R> {
  execute(command: C): Promise<R>;
}
