// The Express app, built by a factory so that tests can serve it on any port without the process's signal handling.
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Config } from './config.js';
import { statusCodeOf, type Health, type HealthReport } from './health.js';
import type { Logger } from './logger.js';

export interface AppOptions {
  config: Pick<Config, 'appName' | 'version' | 'healthCheckPath'>;
  health: Health;
  logger: Logger;
}

export function createApp({ config, health, logger }: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');

  // First, before the request log: the load balancer calls it every few seconds from each of its nodes, so it logs
  // only when its answer changes, not a line per check.
  const logChange = healthChangeLog(logger);
  app.get(config.healthCheckPath, async (_req, res) => {
    const report = await health.report();
    logChange(report);
    res.status(statusCodeOf(report)).set('Cache-Control', 'no-store').json(report);
  });

  app.use(requestLog(logger));

  app.get('/', (_req, res) => {
    res.json({ service: config.appName, version: config.version });
  });

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use(errorHandler(logger));
  return app;
}

/** One log line per request (pino-http), written when the response is finished or the client went away. */
function requestLog(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request',
    // Method, path, status and duration: headers may carry credentials and make every line long.
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, path: req.url }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
    },
    customAttributeKeys: { responseTime: 'durationMs' },
    quietReqLogger: true,
  });
}

/** Logs the health report when its status changes (ok, degraded, fail, draining) and whenever a check fails. */
function healthChangeLog(logger: Logger): (report: HealthReport) => void {
  let last: HealthReport['status'] | undefined;
  let lastReport: HealthReport | undefined;
  return (report) => {
    // A report reused within its maxAgeMs was logged already.
    if (report === lastReport) return;
    lastReport = report;
    const failed = Object.entries(report.checks).filter(([, check]) => check.status === 'fail');
    if (report.status === last && failed.length === 0) return;
    const fields = { status: report.status, ...(failed.length > 0 ? { failed: Object.fromEntries(failed) } : {}) };
    if (report.status === 'ok' || report.status === 'draining') logger.info(fields, 'health');
    else logger.warn(fields, 'health');
    last = report.status;
  };
}

/** Logs the error and answers without its details (no stack traces or internals to the client). */
function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    logger.error({ method: req.method, path: req.originalUrl, err: error }, 'request failed');
    if (res.headersSent) {
      next(error);
      return;
    }
    res.status(500).json({ error: 'internal error' });
  };
}
