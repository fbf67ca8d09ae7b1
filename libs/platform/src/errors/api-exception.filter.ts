import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  LoggerService,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { maskResidentIdsDeep } from '@urrbmi/domain';
import { TabularFileError } from '@urrbmi/files';
import { isTransientFailure } from '@urrbmi/persistence';
import { DomainError } from './domain-error';

/** Seconds a caller is asked to wait after the database was away or overloaded (503). */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

export interface ApiErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown;
}

/** Every HTTP error leaves as `{ statusCode, error, message, details? }`; a 500 carries an error id that is also logged. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: LoggerService) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const res = host.switchToHttp().getResponse<{
      status(n: number): { json(b: unknown): void };
      setHeader(name: string, value: string): void;
      headersSent?: boolean;
      destroy?(): void;
    }>();
    // Messages and details quote what the caller sent (a cell, a path, a validation value): an ID
    // number leaves masked, whatever field it is in, as in the logs.
    const body = maskResidentIdsDeep(this.toBody(exception));
    if (res.headersSent) {
      // A streamed answer failed half-way (a page's query, a lost client): the status is gone, so
      // the connection is cut, and the client sees a broken download instead of waiting on it.
      res.destroy?.();
      return;
    }
    if (body.statusCode === 503) res.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
    res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ApiErrorBody {
    if (exception instanceof DomainError) {
      return {
        statusCode: exception.status,
        error: STATUS_CODES[exception.status] ?? 'Error',
        message: exception.message,
        details: {
          code: exception.code,
          ...(exception.details !== undefined ? { info: exception.details } : {}),
        },
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const r = exception.getResponse() as string | { message?: unknown; details?: unknown };
      let message = exception.message;
      let details: unknown;
      if (typeof r === 'object' && r !== null) {
        if (Array.isArray(r.message)) {
          message = 'request validation failed';
          details = r.message;
        } else if (typeof r.message === 'string') {
          message = r.message;
        }
        if (r.details !== undefined) details = r.details;
      }
      return {
        statusCode: status,
        error: STATUS_CODES[status] ?? 'Error',
        message,
        ...(details !== undefined ? { details } : {}),
      };
    }
    if (exception instanceof TabularFileError) {
      // An uploaded table that cannot be read as the contract says: the file is refused, whole.
      return {
        statusCode: 422,
        error: STATUS_CODES[422]!,
        message: exception.message,
        details: { code: exception.code, ...(exception.details ? { info: exception.details } : {}) },
      };
    }
    const parserError = bodyParserRefusal(exception);
    if (parserError) return parserError;
    const errorId = randomUUID();
    if (isTransientFailure(exception)) {
      // The database away, out of connections, or a deadlock or timeout under load: nothing was
      // committed, and the same request succeeds later, so the caller is told to retry, not that
      // something is broken.
      this.logger.warn('request failed on a transient database condition; answered 503', {
        errorId,
        error: exception instanceof Error ? exception.message : String(exception),
      });
      return {
        statusCode: HttpStatus.SERVICE_UNAVAILABLE,
        error: STATUS_CODES[503]!,
        message: `the database is unavailable or overloaded for now; retry in ${DATABASE_RETRY_AFTER_SECONDS} s (error id ${errorId})`,
        details: { code: 'DATABASE_UNAVAILABLE', errorId },
      };
    }
    this.logger.error('unhandled error', {
      errorId,
      error: exception instanceof Error ? exception : String(exception),
    });
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      error: 'Internal Server Error',
      message: `internal error; quote error id ${errorId} when reporting it`,
      details: { errorId },
    };
  }
}

/**
 * The JSON body parser refuses before any controller runs, with an http-errors object rather than a
 * Nest exception: a body over the limit is 413 and unparsable JSON 400, in our error shape.
 */
function bodyParserRefusal(exception: unknown): ApiErrorBody | undefined {
  const e = exception as { type?: unknown; status?: unknown; expose?: unknown; limit?: unknown } | null;
  if (!e || typeof e.type !== 'string' || typeof e.status !== 'number' || e.expose !== true) return undefined;
  if (e.status < 400 || e.status > 499) return undefined;
  const messages: Record<string, string> = {
    'entity.too.large': `request body larger than ${String(e.limit)} bytes`,
    'entity.parse.failed': 'request body is not valid JSON',
    'encoding.unsupported': 'unsupported content encoding',
    'charset.unsupported': 'unsupported charset',
    'request.aborted': 'request aborted by the client',
  };
  return {
    statusCode: e.status,
    error: STATUS_CODES[e.status] ?? 'Error',
    message: messages[e.type] ?? 'the request body was refused',
    details: { code: e.type.toUpperCase().replace(/\./g, '_') },
  };
}
