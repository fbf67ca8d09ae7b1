import { DocumentBuilder, OpenAPIObject } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { FILE_FORMATS, FileKind } from '@urrbmi/contracts';
import { ErrorCodesByStatus, ERRORS_EXTENSION, UPLOAD_EXTENSION } from './api-docs.decorators';

type Schema = Record<string, unknown>;
type Operation = {
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, unknown> };
  responses: Record<string, { description: string; content?: Record<string, unknown>; headers?: unknown }>;
  security?: unknown[];
  [extension: string]: unknown;
};

/** The error shape every service answers a refusal with (ApiExceptionFilter). */
export const API_ERROR_SCHEMA: Schema = {
  type: 'object',
  required: ['statusCode', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer', example: 422 },
    error: { type: 'string', example: 'Unprocessable Entity' },
    message: { type: 'string', example: 'the person is already enrolled for season 2023' },
    details: {
      description:
        'A domain refusal: `{ code, info? }` (switch on `code`); a request that fails validation: the list of problems',
      oneOf: [
        {
          type: 'object',
          required: ['code'],
          properties: { code: { type: 'string' }, info: { description: 'what the caller needs to act' } },
        },
        { type: 'array', items: { type: 'string' } },
      ],
    },
  },
};

/** The codes of libs/files' TabularFileError: an uploaded table that cannot be read as the contract says. */
const TABULAR_FILE_CODES = [
  'RECORD_TOO_LONG',
  'UNCLOSED_QUOTE',
  'TOO_MANY_ROWS',
  'INVALID_UTF8',
  'NOT_A_WORKBOOK',
  'WORKBOOK_TOO_LARGE',
  'BAD_HEADER',
];

const WHY: Record<number, string> = {
  400: 'the request is malformed (validation problems in `details`, or `details.code`)',
  401: 'no API key, or an unknown one',
  403: "the key's role may not call this route, or may not act on this record or area",
  404: 'no such record',
  409: 'conflicts with the current state',
  410: 'no longer available',
  413: 'the body is larger than the limit',
  415: 'unsupported media type',
  422: 'refused by a business rule (`details.code`)',
  423: 'locked',
  429: 'too many uploads from this key holder in the last minute',
  500: 'internal error; the message quotes an error id that is also in the log',
  503: 'the database is unreachable or overloaded for now, or the service is not ready: nothing was changed; retry after `Retry-After` seconds',
};

function errorResponse(status: number, codes: readonly string[] | undefined) {
  const schema: Schema = codes?.length
    ? {
        allOf: [
          { $ref: '#/components/schemas/ApiError' },
          {
            type: 'object',
            properties: {
              statusCode: { type: 'integer', enum: [status] },
              details: {
                type: 'object',
                properties: { code: { type: 'string', enum: [...new Set(codes)].sort() } },
              },
            },
          },
        ],
      }
    : { $ref: '#/components/schemas/ApiError' };
  const description = codes?.length
    ? `${WHY[status] ?? STATUS_CODES[status]}; details.code: ${[...new Set(codes)].sort().join(', ')}`
    : (WHY[status] ?? STATUS_CODES[status] ?? 'error');
  const headers =
    status === 429 || status === 503
      ? {
          'Retry-After': {
            description:
              status === 429
                ? 'seconds until this key holder may upload again'
                : 'seconds to wait before retrying',
            schema: { type: 'integer', minimum: 0 },
          },
        }
      : undefined;
  return { description, ...(headers ? { headers } : {}), content: { 'application/json': { schema } } };
}

function addCodes(into: Map<number, Set<string>>, status: number, codes: readonly string[] = []): void {
  const set = into.get(status) ?? new Set<string>();
  for (const c of codes) set.add(c);
  into.set(status, set);
}

/**
 * Makes a Nest-scanned document the published contract: the error shape as a component, every route's
 * declared refusals (`@ApiErrors`) plus the ones its kind always has (401/403 behind a key, 400/413
 * for a JSON body, 400/413/415/422/429 for an upload, 500 and 503 anywhere), upload bodies for every
 * encoding, and keys in a stable order so the committed files only change when the contract does.
 */
export function completeOpenApiDocument(doc: OpenAPIObject): OpenAPIObject {
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, ApiError: API_ERROR_SCHEMA } };
  for (const [route, item] of Object.entries(doc.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const op = (item as Record<string, Operation | undefined>)[method];
      if (!op) continue;
      op.parameters = withoutInferredDuplicates(op.parameters);
      const errors = new Map<number, Set<string>>();
      const declared = op[ERRORS_EXTENSION] as ErrorCodesByStatus | undefined;
      for (const [status, codes] of Object.entries(declared ?? {})) addCodes(errors, Number(status), codes);
      delete op[ERRORS_EXTENSION];
      if (op.security?.length) {
        addCodes(errors, 401);
        addCodes(errors, 403);
      }
      const upload = op[UPLOAD_EXTENSION] as { kinds: FileKind[]; readOnReceipt: boolean } | undefined;
      delete op[UPLOAD_EXTENSION];
      if (upload) {
        addCodes(errors, 400, ['EMPTY_FILE']);
        addCodes(errors, 413, ['FILE_TOO_LARGE']);
        addCodes(errors, 415, ['UNSUPPORTED_MEDIA_TYPE']);
        const xlsx = upload.kinds.every((k) => FILE_FORMATS[k].xlsx);
        if (upload.readOnReceipt)
          addCodes(
            errors,
            422,
            TABULAR_FILE_CODES.filter((c) => xlsx || !/WORKBOOK/.test(c)),
          );
        addCodes(errors, 429);
      } else if (op.requestBody?.content?.['application/json']) {
        addCodes(errors, 400, ['ENTITY_PARSE_FAILED']);
        addCodes(errors, 413, ['ENTITY_TOO_LARGE']);
      }
      if (op.parameters?.some((p) => p.in === 'path' || p.in === 'query')) addCodes(errors, 400);
      addCodes(errors, 500);
      addCodes(errors, 503, ['DATABASE_UNAVAILABLE']);
      for (const [status, codes] of errors) {
        const generated = errorResponse(status, [...codes]);
        const written = op.responses[status];
        // A response a route wrote out in words keeps its words and gains the shape and the codes.
        op.responses[status] = written
          ? { ...generated, ...written, content: written.content ?? generated.content }
          : generated;
      }
      op.responses = sortKeys(op.responses);
    }
    doc.paths[route] = item;
  }
  return doc;
}

/**
 * A header read with `@Headers('x-name')` is also inferred by the scanner, lower-case and required,
 * next to the one the route declares with `@ApiHeader` (which says whether it is required): keep the
 * declared one only.
 */
function withoutInferredDuplicates(parameters: Operation['parameters']): Operation['parameters'] {
  if (!parameters) return parameters;
  const declared = new Set(
    parameters
      .filter((p) => p.in === 'header' && p.name !== p.name.toLowerCase())
      .map((p) => p.name.toLowerCase()),
  );
  return parameters.filter(
    (p) => p.in !== 'header' || p.name !== p.name.toLowerCase() || !declared.has(p.name),
  );
}

function sortKeys<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b))) as T;
}

/** The document's header: title, description, version and the bearer scheme of the API keys. */
export function openApiHeader(title: string, description: string): Omit<OpenAPIObject, 'paths'> {
  return new DocumentBuilder()
    .setTitle(title)
    .setDescription(
      `${description}\n\nErrors are \`{ statusCode, error, message, details? }\` (schema ApiError); domain refusals carry \`details.code\`, listed per response. ` +
        'Every /v1 route needs `Authorization: Bearer <api key>`; the key names its holder and one role. ' +
        'JSON bodies above JSON_BODY_MAX_BYTES (default 1 MiB) are 413; file uploads are limited per key holder (UPLOAD_RATE_LIMIT_PER_MINUTE, default 60) with 429.',
    )
    .setVersion('1')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description: 'API key; each key names its holder and one role',
    })
    .build();
}
