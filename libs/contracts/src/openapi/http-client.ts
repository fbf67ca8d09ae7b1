import createClient, { Client, ClientOptions } from 'openapi-fetch';
import type { components as Enrollment, paths as EnrollmentPaths } from './generated/enrollment-service';
import type { components as Refund, paths as RefundPaths } from './generated/refund-service';
import type { components as Reporting, paths as ReportingPaths } from './generated/reporting-service';
import type { components as Subsidy, paths as SubsidyPaths } from './generated/subsidy-service';
import type { components as TaxFeed, paths as TaxFeedPaths } from './generated/tax-collection-feed-service';

/**
 * The typed HTTP client of the services, generated from the published OpenAPI documents
 * (docs/openapi/<service>.json, by openapi-typescript into ./generated at install time) and run by
 * openapi-fetch. The CLI and the end-to-end tests call the services through it, so a route, header,
 * body or response the documents do not describe fails to type-check.
 */
export interface ServicePaths {
  'enrollment-service': EnrollmentPaths;
  'subsidy-service': SubsidyPaths;
  'tax-collection-feed-service': TaxFeedPaths;
  'refund-service': RefundPaths;
  'reporting-service': ReportingPaths;
}
export type HttpServiceName = keyof ServicePaths;
interface ServiceSchemas {
  'enrollment-service': Enrollment['schemas'];
  'subsidy-service': Subsidy['schemas'];
  'tax-collection-feed-service': TaxFeed['schemas'];
  'refund-service': Refund['schemas'];
  'reporting-service': Reporting['schemas'];
}
/** A schema of a service's document, e.g. `Schema<'tax-collection-feed-service', 'FeedResultView'>`. */
export type Schema<S extends HttpServiceName, N extends keyof ServiceSchemas[S]> = ServiceSchemas[S][N];
export type ServiceClient<S extends HttpServiceName> = Client<ServicePaths[S]>;
/** The error shape of every service. */
export type ApiErrorBody = Enrollment['schemas']['ApiError'];

/**
 * The request options of a file upload: the bytes sent as they are (not as JSON) with their media
 * type, e.g. `client.POST('/v1/feeds', { params, ...fileBody(csv) })`.
 */
export function fileBody(body: string | Uint8Array | ReadableStream, contentType = 'text/csv') {
  return {
    // The documents type a binary body as a string; bytes (GBK, XLSX) and streams go through unchanged.
    body: body as string,
    bodySerializer: (b: unknown) => b as string,
    headers: { 'content-type': contentType },
    // A streamed body must say so (fetch refuses it otherwise).
    ...(body instanceof ReadableStream ? { duplex: 'half' as const } : {}),
  };
}

/**
 * A client of one service at `baseUrl`, sending `Authorization: Bearer <apiKey>` when a key is given.
 * `fetch` is looked up at each call, so a test's wrapped fetch sees the requests.
 */
export function serviceClient<S extends HttpServiceName>(
  _service: S,
  baseUrl: string,
  apiKey?: string,
  options: Omit<ClientOptions, 'baseUrl'> = {},
): ServiceClient<S> {
  return createClient<ServicePaths[S]>({
    baseUrl,
    fetch: (request: Request) => globalThis.fetch(request),
    ...options,
    headers: { ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}), ...options.headers },
  });
}
