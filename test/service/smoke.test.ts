// The generated smoke test (scripts/smoke.mjs), rendered by the generator and run as the pipeline runs it, against local
// HTTP servers that are healthy, unhealthy then healthy, always failing, hanging; and with bad usage.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generate, NPM_FREE_ENV } from '../support/generate.js';

const HEALTH_PATH = '/healthz';
let script: string;

beforeAll(async () => {
  // A health path other than the default: the script checks the one baked in at generation.
  const { cwd } = await generate({ 'health-check-path': HEALTH_PATH });
  script = path.join(cwd, 'scripts', 'smoke.mjs');
});

interface Smoke {
  code: number | null;
  output: string;
  attempts: string[];
  ms: number;
}

/** Runs the script with no npm and no build, as CodeBuild does; pauses default to 0 s here. */
async function smoke(args: string[], env: Record<string, string> = {}): Promise<Smoke> {
  const started = Date.now();
  const child = spawn(process.execPath, [script, ...args], {
    env: { ...NPM_FREE_ENV, SMOKE_INTERVAL_SECONDS: '0', SMOKE_TIMEOUT_SECONDS: '2', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  const attempts = output.split('\n').filter((line) => line.startsWith('smoke: attempt '));
  return { code, output, attempts, ms: Date.now() - started };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** Serves a listener on loopback; `hits` counts the requests per path. */
async function serve(listener: RequestListener): Promise<{ url: string; hits: Map<string, number> }> {
  const hits = new Map<string, number>();
  const server = createServer((req, res) => {
    hits.set(req.url!, (hits.get(req.url!) ?? 0) + 1);
    listener(req, res);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

/** 200 on the health path and /, 404 elsewhere; the health path answers `healthStatus()`. */
const app =
  (healthStatus: () => number = () => 200, rootStatus = 200): RequestListener =>
  (req, res) => {
    const status = req.url === HEALTH_PATH ? healthStatus() : req.url === '/' ? rootStatus : 404;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status }));
  };

describe('scripts/smoke.mjs', () => {
  it('passes at the first attempt against a healthy service, calling the generated health path and /', async () => {
    const { url, hits } = await serve(app());
    const run = await smoke([url]);
    expect(run.code, run.output).toBe(0);
    expect(run.attempts).toHaveLength(1);
    expect(run.output).toContain(`(health ${HEALTH_PATH}, root /)`);
    // Defaults: 10 attempts 6 s apart, 5 s each (the test sets interval 0 and timeout 2): 10 x 2 + 9 x 0.
    expect(run.output).toMatch(/up to 10 attempts 0 s apart, 2 s timeout each: at most 20 s$/m);
    expect(run.output).toMatch(/^smoke: PASS http:\/\/127\.0\.0\.1:\d+\/ \(attempt 1 of 10, /m);
    expect(Object.fromEntries(hits)).toEqual({ [HEALTH_PATH]: 1, '/': 1 });
  });

  it('retries: unhealthy for two attempts, then healthy, passes at the third', async () => {
    let calls = 0;
    const { url } = await serve(app(() => (++calls <= 2 ? 503 : 200)));
    const run = await smoke([url], { SMOKE_INTERVAL_SECONDS: '1' });
    expect(run.code, run.output).toBe(0);
    expect(run.attempts.map((line) => line.replace(/ \(\d+ ms\)/g, ''))).toEqual([
      'smoke: attempt 1/10: health 503 {"status":503}; root 200: fail',
      'smoke: attempt 2/10: health 503 {"status":503}; root 200: fail',
      'smoke: attempt 3/10: health 200; root 200: pass',
    ]);
    // Two pauses of 1 s between the three attempts.
    expect(run.ms).toBeGreaterThanOrEqual(2000);
  });

  it.each([
    ['the health check answers 503', app(() => 503)],
    ['/ answers 500', app(() => 200, 500)],
  ])('fails (exit 1) after exactly SMOKE_ATTEMPTS attempts when %s', async (_title, listener) => {
    const { url, hits } = await serve(listener);
    const run = await smoke([url], { SMOKE_ATTEMPTS: '4' });
    expect(run.code, run.output).toBe(1);
    expect(run.attempts).toHaveLength(4);
    expect(run.attempts.every((line) => line.endsWith(': fail'))).toBe(true);
    expect(hits.get(HEALTH_PATH)).toBe(4);
    expect(run.output).toMatch(/^smoke: FAIL http:\/\/127\.0\.0\.1:\d+\/ \(4 attempts, /m);
  });

  it('is bounded against a server that never answers: each request times out, the total is the printed bound', async () => {
    const { url } = await serve(() => undefined);
    const run = await smoke([url], { SMOKE_ATTEMPTS: '2', SMOKE_TIMEOUT_SECONDS: '1', SMOKE_INTERVAL_SECONDS: '1' });
    expect(run.code, run.output).toBe(1);
    // 2 attempts x 1 s + 1 pause of 1 s.
    expect(run.output).toMatch(/at most 3 s$/m);
    expect(run.attempts).toHaveLength(2);
    for (const line of run.attempts) expect(line).toMatch(/health failed \(\d+ ms\): no answer within 1 s/);
    expect(run.ms).toBeGreaterThanOrEqual(3000);
    // The bound plus Node's start on a loaded machine: without the timeout it would wait for the server forever.
    expect(run.ms).toBeLessThan(3000 + 10_000);
  });

  it('does not follow a redirect (a 3xx is no pass, as for the load balancer), and keeps a path prefix of the URL', async () => {
    const { url, hits } = await serve((req, res) => {
      if (req.url === `/prefix${HEALTH_PATH}`) res.writeHead(301, { location: '/elsewhere' }).end();
      else res.writeHead(200).end('ok');
    });
    const run = await smoke([`${url}/prefix/`], { SMOKE_ATTEMPTS: '1' });
    expect(run.code, run.output).toBe(1);
    expect(run.attempts[0]).toMatch(/health 301 .*; root 200 .*: fail$/);
    expect(Object.fromEntries(hits)).toEqual({ [`/prefix${HEALTH_PATH}`]: 1, '/prefix/': 1 });
  });

  it.each([
    [[], {}, 'no URL given'],
    [['orders-api.example.com'], {}, 'not a URL: "orders-api.example.com"'],
    [['ftp://example.com'], {}, 'the URL must start with http:// or https://'],
    [['http://a.example', 'http://b.example'], {}, 'one URL expected, got 2 arguments'],
    [['http://127.0.0.1:1'], { SMOKE_ATTEMPTS: 'ten' }, 'SMOKE_ATTEMPTS must be a whole number from 1 to 3600'],
    [['http://127.0.0.1:1'], { SMOKE_INTERVAL_SECONDS: '-1' }, 'SMOKE_INTERVAL_SECONDS must be a whole number'],
    [['http://127.0.0.1:1'], { SMOKE_TIMEOUT_SECONDS: '0' }, 'SMOKE_TIMEOUT_SECONDS must be a whole number from 1'],
  ] as [string[], Record<string, string>, string][])(
    'exits 2 with a clear line and the usage: %j %j',
    async (args, env, message) => {
      const run = await smoke(args, env);
      expect(run.code, run.output).toBe(2);
      expect(run.output).toContain(`smoke: ${message}`);
      expect(run.output).toMatch(/^usage: node scripts\/smoke\.mjs URL/m);
      expect(run.attempts).toEqual([]);
    },
  );
});
