// Test helpers: serve the app on a free loopback port, or spawn the built server as ECS would run it.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { createApp } from '../src/app.js';
import { REQUIRED_SECRETS } from '../src/config.js';
import { Health, type Check } from '../src/health.js';
import { createLogger } from '../src/logger.js';

/** One parsed log line. */
export type Fields = Record<string, unknown>;

export const HEALTH_PATH = <%- JSON.stringify(healthCheckPath) %>;

export interface Served {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Serves a request listener on 127.0.0.1 on a port the system picks. */
export async function serve(listener: RequestListener): Promise<Served> {
  const server = createServer(listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    server,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** The app with the given checks, served on a free port; `logs` collects what it logged. */
export async function serveApp(checks: Check[] = [], budgetMs = 500): Promise<Served & { health: Health; logs: Fields[] }> {
  const logs: Fields[] = [];
  const logger = createLogger({ write: (line: string) => logs.push(JSON.parse(line) as Fields) });
  const health = new Health({ version: '1.2.3', budgetMs });
  for (const check of checks) health.register(check);
  const app = createApp({ config: { appName: 'test-app', version: '1.2.3', healthCheckPath: HEALTH_PATH }, health, logger });
  return { ...(await serve(app)), health, logs };
}

export interface Spawned {
  url: string;
  child: ChildProcessByStdio<null, Readable, null>;
  logs: Fields[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts dist/src/server.js on a free port with extra environment variables; resolves once it listens. */
export async function spawnServer(env: Record<string, string>): Promise<Spawned> {
  const child = spawn(process.execPath, [new URL('../src/server.js', import.meta.url).pathname], {
    // ECS would set the secrets; the test stands in for them.
    env: { ...process.env, PORT: '0', ...Object.fromEntries(REQUIRED_SECRETS.map((name) => [name, 'test-value'])), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const logs: Fields[] = [];
  let buffered = '';
  const listening = new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const entry = JSON.parse(line) as Fields;
        logs.push(entry);
        if (entry.message === 'listening') resolve(entry.port as number);
      }
    });
    void exited.then(({ code }) => {
      reject(new Error(`server exited with ${String(code)} before listening`));
    });
  });
  const port = await listening;
  return { url: `http://127.0.0.1:${String(port)}`, child, logs, exited };
}

/** Polls the health endpoint until it answers 503 (the signal reaches the process a moment after kill()); returns that body. */
export async function healthWhenUnavailable(url: string, timeoutMs = 5000): Promise<{ status: string }> {
  const start = performance.now();
  for (;;) {
    const res = await fetch(`${url}${HEALTH_PATH}`);
    const body = (await res.json()) as { status: string };
    if (res.status === 503) return body;
    if (since(start) > timeoutMs) throw new Error(`health still answered ${String(res.status)} after ${String(timeoutMs)} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Milliseconds elapsed since `start` (a performance.now() value). */
export function since(start: number): number {
  return performance.now() - start;
}
