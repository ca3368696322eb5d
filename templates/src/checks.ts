// The dependency checks behind the health endpoint: add one here for each thing the app cannot serve without.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Check } from './health.js';

/** The checks the server registers at start. */
export function dependencyChecks(): Check[] {
  return [
    eventLoopDelayCheck(),
    // A database, for example (critical: without it no request succeeds):
    // { name: 'database', critical: true, run: async (signal) => { await pool.query({ text: 'SELECT 1', signal }); return undefined; } },
  ];
}

/**
 * Reports the longest event-loop stall since the previous check. Not critical on purpose: an overloaded
 * task taken out of service moves its load to the others, which then fail too.
 */
export function eventLoopDelayCheck(limitMs = 1000): Check {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return {
    name: 'eventLoopDelay',
    critical: false,
    run: () => {
      const maxDelayMs = Math.round(histogram.max / 1e6);
      histogram.reset();
      if (maxDelayMs > limitMs) {
        return Promise.reject(new Error(`event loop stalled for ${String(maxDelayMs)} ms (limit ${String(limitMs)} ms)`));
      }
      return Promise.resolve({ maxDelayMs });
    },
  };
}
