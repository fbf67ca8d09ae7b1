import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiExtension, ApiHeader, ApiResponse } from '@nestjs/swagger';
import { FILE_FORMATS, FileKind } from '@urrbmi/contracts';
import { templateCsv, XLSX_TYPE } from '@urrbmi/files';

/**
 * The refusals a route gives, by status: the `details.code` values a client may switch on (an empty
 * list when the status carries no code, e.g. a 404 from a missing id). Statuses every route of a
 * kind gives (401/403 with a key, 400/413 with a JSON body, 413/415/422/429 with a file, 500) are
 * added to the document by `completeOpenApiDocument`, so a route declares only its own.
 */
export type ErrorCodesByStatus = Partial<
  Record<400 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 423 | 503, readonly string[]>
>;

/** Extension the document completion turns into error responses (and then removes). */
export const ERRORS_EXTENSION = 'x-urrbmi-errors';
/** Extension naming the upload a route takes, turned into its request body. */
export const UPLOAD_EXTENSION = 'x-urrbmi-upload';

/** `@ApiErrors({ 404: [], 409: ['ALREADY_ENROLLED'] })`: the route's own refusals, in the error shape. */
export const ApiErrors = (errors: ErrorCodesByStatus): MethodDecorator =>
  ApiExtension(ERRORS_EXTENSION, errors) as MethodDecorator;

export interface UploadDoc {
  /** The file formats of libs/contracts this route takes (one, or a choice by header). */
  kinds: readonly FileKind[];
  /** The largest body by default, e.g. `1 GiB`, and the setting that changes it, if one does. */
  maxBytes: string;
  maxBytesSetting?: string;
  /** The file is read (header, rows) before the answer, so an unreadable one is 422 there and then. */
  readOnReceipt: boolean;
}

/**
 * A CSV (UTF-8, or `charset=gbk`) or XLSX upload of one of the contract's file formats: the request
 * body with its columns, encodings, size limit and an example made from the seeds (the template's
 * example row), the headers the format names, and the upload refusals (413, 415, 422, 429).
 */
export function ApiUpload(doc: UploadDoc): MethodDecorator {
  const formats = doc.kinds.map((k) => FILE_FORMATS[k]);
  const xlsx = formats.every((f) => f.xlsx);
  const types = xlsx ? ['text/csv', XLSX_TYPE] : ['text/csv'];
  const columns = formats
    .map(
      (f) =>
        `**${f.kind}** (${f.titleZh}, ${f.titleEn}): ` +
        f.columns.map((c) => `\`${c.name}\`${c.required ? ' (required)' : ''}: ${c.en}`).join('; '),
    )
    .join('\n\n');
  const description =
    `${types.join(' or ')}; CSV in UTF-8 (a BOM is allowed) or GBK (\`text/csv; charset=gbk\`), header row first, ` +
    `columns in any order. At most ${doc.maxBytes}${doc.maxBytesSetting ? ` (setting \`${doc.maxBytesSetting}\`)` : ''}: larger is 413. ` +
    `Templates: GET /v1/templates/{kind}.\n\n${columns}`;
  return applyDecorators(
    ApiConsumes(...types),
    ApiBody({
      description,
      schema: { type: 'string', format: 'binary', example: templateCsv(formats[0]!) },
    }),
    ApiExtension(UPLOAD_EXTENSION, { kinds: doc.kinds, readOnReceipt: doc.readOnReceipt }) as MethodDecorator,
  );
}

/** `X-Region-Code`: the county (6-digit division code) a request is about. */
export const ApiRegionHeader = (required: boolean, description: string, example = '620725') =>
  ApiHeader({
    name: 'X-Region-Code',
    required,
    description,
    example,
    schema: { type: 'string', pattern: '^\\d{6}$' },
  });

/** `Idempotency-Key`: the same key again returns the first answer instead of doing the work twice. */
export const ApiIdempotencyHeader = (required: boolean, example: string) =>
  ApiHeader({
    name: 'Idempotency-Key',
    required,
    example,
    description: 'the same key (with the same body) again returns the first result; nothing is done twice',
  });

/** A 201 that names the new resource in `Location`. */
export const ApiCreatedWithLocation = (description: string, example: string) =>
  ApiResponse({
    status: 201,
    description,
    headers: {
      Location: { description: 'where the new resource is read', schema: { type: 'string', example } },
    },
  });
