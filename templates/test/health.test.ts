// The health endpoint: the report, a failing dependency check, a slow one, and the draining state.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventLoopDelayCheck } from '../src/checks.js';
import { Health, type Check } from '../src/health.js';
import { HEALTH_PATH, serveApp, since } from './helpers.js';

const failing = (name: string, critical: boolean): Check => ({
  name,
  critical,
  run: () => Promise.reject(new Error(`${name} is unreachable`)),
});

async function getHealth(checks: Check[], prepare?: (served: Awaited<ReturnType<typeof serveApp>>) => void) {
  const served = await serveApp(checks, 300);
  try {
    prepare?.(served);
    const res = await fetch(`${served.url}${HEALTH_PATH}`);
    return { status: res.status, cacheControl: res.headers.get('cache-control'), body: (await res.json()) as Record<string, unknown> };
  } finally {
    await served.close();
  }
}

describe('health endpoint', () => {
  it(`answers 200 {"status":"ok"} on ${HEALTH_PATH} with version, uptime and the checks`, async () => {
    const { status, cacheControl, body } = await getHealth([eventLoopDelayCheck()]);
    assert.equal(status, 200);
    assert.equal(cacheControl, 'no-store');
    assert.equal(body.status, 'ok');
    assert.equal(body.version, '1.2.3');
    assert.equal(typeof body.uptimeSeconds, 'number');
    assert.deepEqual(Object.keys(body.checks as object), ['eventLoopDelay']);
    assert.equal((body.checks as Record<string, { status: string }>).eventLoopDelay.status, 'ok');
  });

  it('answers 503 naming the failing critical check', async () => {
    const { status, body } = await getHealth([eventLoopDelayCheck(), failing('database', true)]);
    assert.equal(status, 503);
    assert.equal(body.status, 'fail');
    assert.deepEqual(body.failing, ['database']);
    assert.deepEqual((body.checks as Record<string, unknown>).database, {
      status: 'fail',
      critical: true,
      durationMs: ((body.checks as Record<string, { durationMs: number }>).database).durationMs,
      error: 'database is unreachable',
    });
  });

  it('stays 200 but reports "degraded" when only a non-critical check fails', async () => {
    const { status, body } = await getHealth([failing('cache', false)]);
    assert.equal(status, 200);
    assert.equal(body.status, 'degraded');
    assert.equal(body.failing, undefined);
  });

  it('answers within the budget when a check hangs, and aborts that check', async () => {
    let aborted = false;
    const hanging: Check = {
      name: 'slow',
      critical: true,
      timeoutMs: 60_000,
      run: (signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            reject(signal.reason as Error);
          });
        }),
    };
    const start = performance.now();
    const { status, body } = await getHealth([hanging]);
    const elapsed = since(start);
    assert.equal(status, 503);
    assert.match((body.checks as Record<string, { error: string }>).slow.error, /timed out after 300 ms/);
    assert.ok(aborted, 'the check was told to stop');
    // Bounded by the 300 ms check timeout, not the check's 60 s: the bound leaves room for a loaded machine.
    assert.ok(elapsed < 30_000, `answered after ${String(Math.round(elapsed))} ms, not at the 300 ms check timeout`);
  });

  it('answers 503 "draining" once shutdown has begun', async () => {
    const { status, body } = await getHealth([eventLoopDelayCheck()], (served) => {
      served.health.startDraining();
    });
    assert.equal(status, 503);
    assert.equal(body.status, 'draining');
  });
});

describe('Health.report', () => {
  /** A check that counts its runs. */
  const counting = (): { runs: number; check: Check } => {
    const counter = {
      runs: 0,
      check: {
        name: 'db',
        critical: true,
        run: () => {
          counter.runs++;
          return Promise.resolve(undefined);
        },
      },
    };
    return counter;
  };

  it('runs the checks on every call when maxAgeMs is 0', async () => {
    const counter = counting();
    const health = new Health({ version: 't', budgetMs: 100 }).register(counter.check);
    await health.report();
    await health.report();
    assert.equal(counter.runs, 2);
  });

  it('reuses a report for maxAgeMs (concurrent calls share one run), but answers draining at once', async () => {
    const counter = counting();
    const health = new Health({ version: 't', budgetMs: 100, maxAgeMs: 60_000 }).register(counter.check);
    const reports = await Promise.all([health.report(), health.report(), health.report()]);
    assert.equal(counter.runs, 1);
    assert.deepEqual(reports.map((r) => r.status), ['ok', 'ok', 'ok']);
    health.startDraining();
    assert.equal((await health.report()).status, 'draining');
  });
});

describe('eventLoopDelay check', () => {
  it('fails after the event loop stalls past its limit, then recovers', async () => {
    const check = eventLoopDelayCheck(250);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const busyUntil = performance.now() + 500;
    while (performance.now() < busyUntil) {
      // Blocks the event loop on purpose.
    }
    await new Promise((resolve) => setTimeout(resolve, 30));
    await assert.rejects(check.run(new AbortController().signal), /event loop stalled for \d+ ms \(limit 250 ms\)/);
    // Recovers: a loaded machine may stall a window of 30 ms past the limit too, so a few windows, counted, not timed.
    let details: Record<string, unknown> | undefined;
    for (let window = 0; window < 10 && !details; window++) {
      await new Promise((resolve) => setTimeout(resolve, 30));
      details = await check.run(new AbortController().signal).catch(() => undefined);
    }
    assert.ok(details && (details.maxDelayMs as number) <= 250, 'the check passed again in one of 10 windows after the stall');
  });
});
