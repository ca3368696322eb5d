// Entry point: reads the configuration, listens, and turns SIGTERM/SIGINT into a graceful shutdown.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { dependencyChecks } from './checks.js';
import { ConfigError, loadConfig, loadSettings, type Config } from './config.js';
import { Health } from './health.js';
import { createLogger } from './logger.js';
import { gracefulShutdown } from './shutdown.js';

const logger = createLogger();
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

let config: Config;
try {
  config = loadConfig(process.env, version);
  loadSettings(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  logger.error({ error: error.message }, 'invalid configuration');
  process.exit(1);
}

// A report is reused for a second: far below the load balancer's interval, and a flood of calls runs the checks once.
const health = new Health({ version: config.version, budgetMs: config.checkTimeoutMs, maxAgeMs: 1000 });
for (const check of dependencyChecks()) health.register(check);

const server = createServer(createApp({ config, health, logger }));
server.keepAliveTimeout = config.keepAliveTimeoutMs;
server.headersTimeout = config.headersTimeoutMs;
server.on('error', (error) => {
  logger.error({ err: error }, 'server error');
  process.exit(1);
});

const shutdown = gracefulShutdown({
  server,
  health,
  logger,
  drainMs: config.drainMs,
  forcedExitMs: config.forcedExitMs,
  exit: (code) => process.exit(code),
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, shutdown);

server.listen(config.port, () => {
  const { port } = server.address() as AddressInfo;
  logger.info({ port, healthCheckPath: config.healthCheckPath, version: config.version }, 'listening');
});
