import type { NextFunction, Request, Response } from 'express';
import type { Metrics } from './metrics';

/**
 * Express middleware timing every request; the route label is the matched route template
 * (`/api/contracts/:uid`), never the raw URL (bounded cardinality); unmatched requests are `unmatched`.
 */
export function httpMetricsMiddleware(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const routePath = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof routePath === 'string' ? `${req.baseUrl ?? ''}${routePath}` : 'unmatched';
      metrics.httpRequest(req.method, route, res.statusCode, seconds);
    });
    next();
  };
}
