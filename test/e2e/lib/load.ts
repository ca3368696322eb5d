// Load from separate processes: wrk (C, keep-alive) at a paced rate on the main path, and wrk holding requests in
// flight on the slow route. Each counts completed requests and every kind of failure; stopped with SIGINT.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'wrk.lua');

export interface LoadResult {
  requests: number;
  /** Answers with a status of 400 or more (wrk's "status" errors: 502, 503...). */
  non2xx: number;
  /** Connect, read and write errors and timeouts: requests the client never got an answer to. */
  errors: number;
}

export interface LoadOptions {
  /** Main load: paced over `connections` keep-alive connections. */
  url: string;
  rate: number;
  connections: number;
  /**
   * Requests kept in flight on a slow path, one per connection, back to back; each counts as a timeout after
   * timeoutMs (default 10 s, as the main load): more than the path holds a request.
   */
  slow?: { url: string; connections: number; timeoutMs?: number };
}

export interface Load {
  stop(): Promise<LoadResult>;
}

function wrk(
  url: string,
  connections: number,
  pauseMs: number,
  timeoutMs = 10_000,
): { child: ChildProcess; result: Promise<LoadResult> } {
  if (!/^https?:\/\/127\.0\.0\.1:\d+\//.test(url)) throw new Error(`load target must be loopback: ${url}`);
  // One thread: the machine is shared; the duration is an upper bound, the rehearsal stops it.
  const child = spawn(
    'wrk',
    [
      '-t1',
      `-c${connections}`,
      '-d600s',
      '--timeout',
      `${Math.ceil(timeoutMs / 1000)}s`,
      '-s',
      SCRIPT,
      url,
      '--',
      String(pauseMs),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const result = new Promise<LoadResult>((resolve, reject) => {
    child.once('exit', (code) => {
      const line = out
        .trim()
        .split('\n')
        .find((l) => l.startsWith('{'));
      if (code !== 0 || !line) return reject(new Error(`wrk exited ${code}: ${out}`));
      const r = JSON.parse(line);
      resolve({ requests: r.requests, non2xx: r.status, errors: r.connect + r.read + r.write + r.timeout });
    });
  });
  return { child, result };
}

export async function startLoad(options: LoadOptions): Promise<Load> {
  // Pacing by a pause per connection: connections / rate seconds between two requests of one connection.
  const runs = [
    wrk(options.url, options.connections, Math.max(0, Math.round((options.connections * 1000) / options.rate))),
  ];
  if (options.slow) runs.push(wrk(options.slow.url, options.slow.connections, 0, options.slow.timeoutMs));
  return {
    async stop() {
      for (const run of runs) if (run.child.exitCode === null) run.child.kill('SIGINT');
      const results = await Promise.all(runs.map((r) => r.result));
      return results.reduce((sum, r) => ({
        requests: sum.requests + r.requests,
        non2xx: sum.non2xx + r.non2xx,
        errors: sum.errors + r.errors,
      }));
    },
  };
}
