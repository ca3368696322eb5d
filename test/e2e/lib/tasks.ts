// A task is one copy of the app, run as a local process or as a podman container; both stop like an ECS task.
// Each runs with the probe preloaded (fixtures/probe.mjs), which reports health checks and closing to the rehearsal.
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

const execFileAsync = promisify(execFile);

export interface Exit {
  code: number | null;
  signal: string | null;
  /** When the task exited (ms since the epoch), as its runtime recorded it. */
  at: number;
}

export interface Task {
  readonly name: string;
  readonly port: number;
  /** SIGUSR2: the probe's fault (fixtures/probe.mjs, with PROBE_UNHEALTHY_ON_SIGUSR2=1): the health path answers 503. */
  signal(signal: 'SIGTERM' | 'SIGKILL' | 'SIGUSR2'): Promise<void>;
  readonly exited: Promise<Exit>;
}

export interface Runtime {
  readonly name: 'process' | 'container';
  /** Starts a task listening on 127.0.0.1:port, with extra environment variables. */
  start(name: string, port: number, env: Record<string, string>): Promise<Task>;
}

/** Runs argv (node and its script, e.g. node dist/src/server.js) in cwd with PORT set and the probe preloaded. */
export function processRuntime(argv: string[], cwd: string): Runtime {
  return {
    name: 'process',
    async start(name, port, env) {
      const child = spawn(argv[0], ['--import', path.join(FIXTURES, 'probe.mjs'), ...argv.slice(1)], {
        cwd,
        env: { ...process.env, ...env, PORT: String(port) },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      const exited = new Promise<Exit>((resolve) =>
        child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
      );
      return {
        name,
        port,
        exited,
        async signal(signal) {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        },
      };
    },
  };
}

/** Flags podman needs on these machines (see the rig notes): runc, and explicit ulimits. */
export const PODMAN_RUN_FLAGS = ['--runtime', 'runc', '--ulimit', 'nofile=20000:20000', '--ulimit', 'nproc=4096:4096'];

export async function podman(...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('podman', args, { encoding: 'utf8', timeout: 300_000 });
  return stdout.trim();
}

/**
 * Runs an image on the host network (the app's own port, set through PORT like the platform does);
 * the container is removed once it has exited.
 */
export function containerRuntime(image: string): Runtime {
  return {
    name: 'container',
    async start(name, port, env) {
      const container = `bluegreen-e2e-${name}-${process.pid}`;
      const envFlags = Object.entries({ ...env, PORT: String(port), NODE_OPTIONS: '--import=/e2e/probe.mjs' }).flatMap(
        ([k, v]) => ['-e', `${k}=${v}`],
      );
      await podman(
        'run',
        '-d',
        '--name',
        container,
        '--network',
        'host',
        ...PODMAN_RUN_FLAGS,
        '-v',
        `${FIXTURES}:/e2e:ro`,
        ...envFlags,
        image,
      );
      // Polled often: ECS's stop timeout, scaled down, leaves podman's default 250 ms little room.
      const exited = podman('wait', container).then(async (out) => {
        // The exit time podman recorded, not when `podman wait` noticed it (its polling lags on a busy machine).
        const at = Number(await podman('inspect', '--format', '{{.State.FinishedAt.UnixMilli}}', container));
        void podman('rm', '-f', container).catch(() => undefined);
        const code = Number(out);
        // podman reports 128+N for a container killed by signal N.
        return code > 128
          ? { code: null, signal: code === 137 ? 'SIGKILL' : `signal ${code - 128}`, at }
          : { code, signal: null, at };
      });
      return {
        name,
        port,
        exited,
        async signal(signal) {
          await podman('kill', '--signal', signal, container).catch(() => undefined);
        },
      };
    },
  };
}
