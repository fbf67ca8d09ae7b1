import { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { Principal } from '../auth/roles';
import { StructuredLogger } from '../logging/structured-logger';
import { HttpMetrics } from './http-metrics';

/** The parts of an Express request and response the edge reads (no @types/express here). */
export interface RoutedRequest {
  method: string;
  ip?: string;
  baseUrl?: string;
  route?: unknown;
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}
interface FinishingResponse {
  statusCode: number;
  on(event: 'finish', listener: () => void): void;
}

/**
 * The route a request matched, as its template (`/v1/persons/:idNumber/seasons/:season`), never the
 * raw path: paths carry resident ID numbers, and logs and metric labels are read by many.
 */
export function routeTemplate(req: RoutedRequest): string {
  const path = (req.route as { path?: string } | undefined)?.path;
  return path ? `${req.baseUrl ?? ''}${path}` : '(unmatched)';
}

const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * Security headers, no framework banner, a bounded JSON body and one log line per request with the
 * holder, route template, status and duration. A hand-written middleware rather than pino-http: that
 * logs the raw URL by default, and our logger already masks ID numbers in every field it writes.
 */
export function applyHttpHygiene(
  nest: INestApplication,
  options: { jsonBodyMaxBytes: number; logger: StructuredLogger; metrics: HttpMetrics },
): void {
  const app = nest as NestExpressApplication;
  app.disable('x-powered-by');
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
        },
      },
    }),
  );
  app.useBodyParser('json', { limit: options.jsonBodyMaxBytes });
  app.use((req: RoutedRequest, res: FinishingResponse, next: () => void) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = routeTemplate(req);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = res.statusCode;
      options.metrics.requests.observe({ method: req.method, route, status: String(status) }, seconds);
      if (QUIET_ROUTES.has(route) && status < 400) return;
      options.logger.info('http request', {
        method: req.method,
        route,
        status,
        ms: Math.round(seconds * 1000),
        holder: req.principal?.holder ?? null,
      });
    });
    next();
  });
}
