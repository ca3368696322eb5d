// The shutdown sequence, on the built server in its own process and on the shutdown function with a real server.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { Health } from '../src/health.js';
import { createLogger } from '../src/logger.js';
import { gracefulShutdown } from '../src/shutdown.js';
import { HEALTH_PATH, healthWhenUnavailable, serve, since, spawnServer } from './helpers.js';

const DRAIN_SECONDS = 2;
const STOP_TIMEOUT_SECONDS = 5;

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  describe(`the server on ${signal}`, () => {
    it('answers 503 on the health path at once, keeps serving during the drain, then exits 0 before the stop timeout', async () => {
      const server = await spawnServer({ DRAIN_SECONDS: String(DRAIN_SECONDS), STOP_TIMEOUT_SECONDS: String(STOP_TIMEOUT_SECONDS) });
      assert.equal((await fetch(`${server.url}${HEALTH_PATH}`)).status, 200);

      const signalled = performance.now();
      server.child.kill(signal);
      // "draining" is answered only between the signal and the end of the drain: the order, not a wall clock, which a
      // loaded machine stretches.
      const draining = await healthWhenUnavailable(server.url);
      assert.equal(draining.status, 'draining');

      // A fixed number of requests right after the first 503, inside the drain: each still succeeds.
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${server.url}/`);
        assert.equal(res.status, 200);
        await res.text();
      }

      const { code } = await server.exited;
      const exitedAfter = since(signalled);
      assert.ok(exitedAfter >= DRAIN_SECONDS * 1000, `exited after ${String(Math.round(exitedAfter))} ms, not before the drain ended`);
      // Before the stop timeout: the forced exit there would exit 1 and log "forced exit".
      assert.equal(code, 0);
      assert.deepEqual(
        server.logs.map((entry) => entry.message).filter((message) => message !== 'request'),
        ['listening', 'health', 'draining', 'health', 'closing', 'closed'],
      );
    });
  });
}

/** A real server whose /slow requests take `slowMs` and /hang requests never end, shut down by gracefulShutdown with `exit` recorded. */
async function shutdownFixture(drainMs: number, forcedExitMs: number, slowMs: number) {
  let exitCode: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (exitCode = resolve));
  const served = await serve((req, res) => {
    // /hang never answers, without a timer that would keep the test process alive.
    if (req.url !== '/hang') setTimeout(() => res.end('done'), req.url === '/slow' ? slowMs : 0);
  });
  const shutdown = gracefulShutdown({
    server: served.server,
    health: new Health({ version: 'test', budgetMs: 100 }),
    logger: createLogger(undefined, 'silent'),
    drainMs,
    forcedExitMs,
    exit: exitCode,
  });
  return { served, shutdown, exited };
}

describe('gracefulShutdown', () => {
  it('lets a request in flight finish after the drain, closes keep-alive connections, then exits 0', async () => {
    const { served, shutdown, exited } = await shutdownFixture(200, 5000, 800);
    // A keep-alive connection left idle in fetch's pool must not hold the server open.
    await (await fetch(`${served.url}/`)).text();
    const slow = fetch(`${served.url}/slow`);
    await sleep(50);
    shutdown('SIGTERM');
    const res = await slow;
    assert.equal(res.headers.get('connection'), 'close');
    assert.equal(await res.text(), 'done');
    // 0: once the last request finished, not at the 5 s forced exit (which exits 1), so nothing held the server open.
    assert.equal(await exited, 0);
    assert.equal(served.server.listening, false);
  });

  it('cuts requests still in flight at the forced-exit deadline and exits 1', async () => {
    const { served, shutdown, exited } = await shutdownFixture(100, 500, 0);
    // The test never ends without a forced exit (the request hangs), so the upper bound only names it; 10 s is 20 times
    // the deadline, room for a loaded machine.
    const slow = fetch(`${served.url}/hang`).catch((error: unknown) => error);
    await sleep(50);
    const signalled = performance.now();
    shutdown('SIGTERM');
    assert.equal(await exited, 1);
    const elapsed = since(signalled);
    // Node's timers and performance.now() are different clocks: a 500 ms timer may read 499.x ms.
    assert.ok(elapsed >= 495 && elapsed < 10_000, `forced exit after ${String(Math.round(elapsed))} ms, expected at the 500 ms deadline`);
    assert.ok((await slow) instanceof Error, 'the hanging request was cut');
  });

  it('exits 1 at once on a second signal', async () => {
    // A drain of a minute (its timers are cleared at exit, so it costs nothing): "at once" has room on a loaded machine.
    const { served, shutdown, exited } = await shutdownFixture(60_000, 120_000, 0);
    shutdown('SIGINT');
    const signalled = performance.now();
    shutdown('SIGINT');
    assert.equal(await exited, 1);
    assert.ok(since(signalled) < 30_000, `exited ${String(Math.round(since(signalled)))} ms after the second signal, not at once`);
    await served.close();
  });
});
