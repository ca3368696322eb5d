// Graceful shutdown on SIGTERM: health 503, drain, stop accepting, finish requests, exit 0. The drain covers a load
// balancer still routing here: aws ecs stop-task sends SIGTERM without deregistering the task first, and a
// deregistration takes a moment to reach every load balancer node (README "How shutdown works, and why").
import type { Server, ServerResponse } from 'node:http';
import type { Logger } from './logger.js';

export interface ShutdownOptions {
  server: Server;
  health: { startDraining(): void };
  logger: Logger;
  /** Milliseconds the app keeps serving after the signal, while the load balancer sees it unhealthy. */
  drainMs: number;
  /** Milliseconds after the signal at which requests still in flight are cut and the process exits 1. */
  forcedExitMs: number;
  exit: (code: number) => void;
}

/** Returns the function to call with the signal; a second signal exits at once. */
export function gracefulShutdown({ server, health, logger, drainMs, forcedExitMs, exit }: ShutdownOptions): (signal: string) => void {
  let started = false;
  let closing = false;
  const timers: NodeJS.Timeout[] = [];
  const inFlight = new Set<ServerResponse>();
  // Once closing, every response says Connection: close and its keep-alive connection is closed after it.
  server.prependListener('request', (_req, res) => {
    inFlight.add(res);
    if (closing) res.setHeader('Connection', 'close');
    res.once('close', () => {
      inFlight.delete(res);
      if (closing) {
        setImmediate(() => {
          server.closeIdleConnections();
        });
      }
    });
  });

  const finish = (code: number) => {
    for (const timer of timers) clearTimeout(timer);
    exit(code);
  };
  const forceExit = (reason: string) => {
    logger.error({ reason }, 'forced exit');
    server.closeAllConnections();
    finish(1);
  };

  return (signal) => {
    if (started) {
      forceExit(`second ${signal}`);
      return;
    }
    started = true;
    health.startDraining();
    logger.info({ signal, drainMs, forcedExitMs }, 'draining');
    const close = () => {
      closing = true;
      logger.info({ signal, inFlight: inFlight.size }, 'closing');
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      server.close((error) => {
        if (error) logger.error({ err: error }, 'server close failed');
        logger.info({ signal }, 'closed');
        finish(error ? 1 : 0);
      });
      server.closeIdleConnections();
    };
    timers.push(
      setTimeout(close, drainMs),
      setTimeout(() => {
        forceExit(`requests still in flight ${String(forcedExitMs)} ms after the signal`);
      }, forcedExitMs),
    );
  };
}
