// Health endpoint throughput and latency: the generated app against a bare Express app with one route, same run, as ratios;
// then the request logger: pino (what the app uses) against the hand-written JSON logger it replaced.
// Run: npm run bench:health [-- seconds]
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { generateProject } from '../test/e2e/lib/project.js';
import { median, printTable, ratio } from './lib.js';

const seconds = Number(process.argv[2] ?? 10);
const ROUNDS = 3;
const CONNECTIONS = 32;
const HERE = path.dirname(fileURLToPath(import.meta.url));

const project = await generateProject('bench-api');
const route = project.settings.healthCheckPath;
const apps: Record<string, { port: number; argv: string[]; cwd: string }> = {
  [`generated app ${route}`]: { port: 44001, argv: project.startCommand, cwd: project.dir },
  [`bare Express, one route ${route} (baseline)`]: {
    port: 44002,
    argv: [process.execPath, path.join(HERE, 'fixtures', 'bare-express.mjs'), project.dir, '44002', route],
    cwd: HERE,
  },
};

async function untilUp(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await sleep(100);
  }
  throw new Error(`${url} did not answer`);
}

const children: ChildProcess[] = [];
try {
  for (const app of Object.values(apps)) {
    // stdout (the generated app's request log) is discarded: writing it is part of the cost, not its destination.
    children.push(
      spawn(app.argv[0], app.argv.slice(1), {
        cwd: app.cwd,
        env: { ...process.env, PORT: String(app.port) },
        stdio: ['ignore', 'ignore', 'inherit'],
      }),
    );
    await untilUp(`http://127.0.0.1:${app.port}${route}`);
  }
  const results: Record<string, autocannon.Result[]> = Object.fromEntries(Object.keys(apps).map((k) => [k, []]));
  // Round 0 warms up (JIT) and is not counted; rounds alternate between the two apps.
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [name, app] of Object.entries(apps)) {
      const result = await autocannon({
        url: `http://127.0.0.1:${app.port}${route}`,
        connections: CONNECTIONS,
        duration: round ? seconds : 2,
      });
      if (result.non2xx || result.errors) throw new Error(`${name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      if (round > 0) results[name].push(result);
    }
  }
  const summary = Object.entries(results).map(([name, rs]) => ({
    name,
    rps: median(rs.map((r) => r.requests.average)),
    p50: median(rs.map((r) => r.latency.p50)),
    p99: median(rs.map((r) => r.latency.p99)),
  }));
  const base = summary[1];
  printTable(
    `Health endpoint, ${CONNECTIONS} connections, median of ${ROUNDS} alternating ${seconds} s runs on loopback (node ${process.version})`,
    ['app', 'req/s', 'p50 ms', 'p99 ms', 'req/s vs baseline', 'p99 vs baseline'],
    summary.map((s) => [
      s.name,
      s.rps.toFixed(0),
      s.p50.toFixed(1),
      s.p99.toFixed(1),
      ratio(s.rps, base.rps),
      ratio(s.p99, base.p99),
    ]),
  );
  await benchLoggers();
} finally {
  for (const child of children) child.kill('SIGKILL');
  rmSync(path.dirname(project.dir), { recursive: true, force: true });
}

/** Lines per second of one request log line (the fields the app logs), written synchronously to /dev/null. */
async function benchLoggers(): Promise<void> {
  const LINES = 200_000;
  const { createLogger: createPino } = await import(
    pathToFileURL(path.join(project.dir, 'dist', 'src', 'logger.js')).href
  );
  const { pino } = await import(pathToFileURL(path.join(project.dir, 'node_modules', 'pino', 'pino.js')).href);
  const { createLogger: createHandwritten } = await import(
    pathToFileURL(path.join(HERE, 'fixtures', 'handwritten-logger.mjs')).href
  );
  const fd = openSync('/dev/null', 'w');
  const fields = { req: { method: 'GET', path: '/orders?page=2' }, res: { status: 200 }, durationMs: 1.234 };
  const loggers: Record<string, (i: number) => void> = {
    'pino 10 (sync destination), as the generated app': (() => {
      const logger = createPino(pino.destination({ dest: '/dev/null', sync: true }));
      return (i: number) => logger.info({ ...fields, reqId: i }, 'request');
    })(),
    'hand-written JSON logger (the previous app, baseline)': (() => {
      const logger = createHandwritten((line: string) => writeSync(fd, line));
      return (i: number) => logger.info('request', { ...fields, reqId: i });
    })(),
  };
  const rates: Record<string, number[]> = Object.fromEntries(Object.keys(loggers).map((k) => [k, []]));
  // Round 0 warms up; rounds alternate.
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [name, log] of Object.entries(loggers)) {
      const started = process.hrtime.bigint();
      for (let i = 0; i < LINES; i++) log(i);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (round > 0) rates[name].push(LINES / seconds);
    }
  }
  closeSync(fd);
  const rows = Object.entries(rates).map(([name, r]) => ({ name, rate: median(r) }));
  printTable(
    `Request log lines, ${LINES} per round, median of ${ROUNDS} alternating rounds, synchronous writes to /dev/null`,
    ['logger', 'lines/s', 'vs baseline'],
    rows.map((r) => [r.name, r.rate.toFixed(0), ratio(r.rate, rows[1].rate)]),
  );
}
