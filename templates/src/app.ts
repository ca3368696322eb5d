// The Express app, built by a factory so that tests can serve it on any port without the process's signal handling.
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import type { Config } from './config.js';
import { statusCodeOf, type Health } from './health.js';
import type { Logger } from './logger.js';

export interface AppOptions {
  config: Pick<Config, 'appName' | 'version' | 'healthCheckPath'>;
  health: Health;
  logger: Logger;
}

export function createApp({ config, health, logger }: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLog(logger));

  app.get(config.healthCheckPath, async (_req, res) => {
    const report = await health.report();
    res.status(statusCodeOf(report)).set('Cache-Control', 'no-store').json(report);
  });

  app.get('/', (_req, res) => {
    res.json({ service: config.appName, version: config.version });
  });

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use(errorHandler(logger));
  return app;
}

/** One log line per request, written when the response is finished or the client went away. */
function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('close', () => {
      logger.info('request', {
        method: req.method,
        path: req.originalUrl,
        status: res.statusCode,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        completed: res.writableFinished,
      });
    });
    next();
  };
}

/** Logs the error and answers without its details (no stack traces or internals to the client). */
function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    logger.error('request failed', { method: req.method, path: req.originalUrl, error });
    if (res.headersSent) {
      next(error);
      return;
    }
    res.status(500).json({ error: 'internal error' });
  };
}
