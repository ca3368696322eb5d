// Starts the load worker in a separate process and collects its counts.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'load-worker.mjs');

export interface LoadResult {
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, { count: number }>;
}

export interface LoadOptions {
  url: string;
  rate: number;
  connections: number;
  maxSeconds: number;
}

export interface Load {
  /** Stops the load and resolves with what it counted. */
  stop(): Promise<LoadResult>;
}

export async function startLoad(options: LoadOptions): Promise<Load> {
  const maxRequests = options.rate * options.maxSeconds;
  const child = spawn(process.execPath, [WORKER, JSON.stringify({ ...options, maxRequests })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const finished = new Promise<LoadResult>((resolve, reject) => {
    child.stdout!.on('data', (d) => (out += d));
    child.once('exit', (code) => {
      const line = out.trim().split('\n').pop()!;
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`load worker exited ${code}: ${out}`));
      else resolve(JSON.parse(line));
    });
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', () => reject(new Error(`load worker exited early: ${out}`)));
  });
  return {
    stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return finished;
    },
  };
}
