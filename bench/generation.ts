// Generation cost, whole process, side by side in one run: create-bluegreen-ecs (first run, no-op regeneration, --help)
// against create-vite (vanilla-ts), and yo bluegreen-ecs against yo code --quick (generator-code), as ratios with targets.
// CPU is user + sys of the child and its children (bash's `times`), wall is the elapsed time; medians of interleaved runs.
// Run: npm run bench:generation [-- rounds]
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, ROOT } from '../test/support/generate.js';
import { median, printTable } from './lib.js';

const rounds = Number(process.argv[2] ?? 7);
const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);
// yo finds generator-bluegreen-ecs through this folder's node_modules, as after `npm link`; yo runs as an unprivileged user
// when started as root, so every folder it writes is world-writable.
const workspace = mkdtempSync(path.join(os.tmpdir(), 'bluegreen-bench-'));
mkdirSync(path.join(workspace, 'node_modules'));
symlinkSync(ROOT, path.join(workspace, 'node_modules', 'generator-bluegreen-ecs'));
const home = path.join(workspace, 'home');
mkdirSync(home);
chmodSync(workspace, 0o777);
chmodSync(home, 0o777);
const env = { ...process.env, HOME: home, NO_UPDATE_NOTIFIER: '1' };

// A generated folder for the no-op regeneration, made once.
const existing = path.join(workspace, 'existing');
spawnSync(process.execPath, [BIN, existing, '--yes', '--skip-install'], { stdio: 'ignore' });

interface Command {
  argv: (dir: string) => string[];
  /** A file it must have written (so that a run that silently did nothing is not timed); none for --help. */
  writes?: string;
}

const VITE = 'create-vite app --template vanilla-ts';
const YO_CODE = 'yo code --quick --skip-install';
const COMMANDS: Record<string, Command> = {
  [VITE]: { argv: () => [bin('create-vite'), 'app', '--template', 'vanilla-ts'], writes: 'app/package.json' },
  'create-bluegreen-ecs DIR --yes --skip-install': {
    argv: (dir) => [process.execPath, BIN, path.join(dir, 'service'), '--yes', '--skip-install'],
    writes: 'service/infra/service.yml',
  },
  'create-bluegreen-ecs DIR --yes --skip-install (no-op regeneration)': {
    argv: () => [process.execPath, BIN, existing, '--yes', '--skip-install'],
  },
  'create-bluegreen-ecs --help': { argv: () => [process.execPath, BIN, '--help'] },
  'yo bluegreen-ecs --yes --skip-install': {
    argv: () => [bin('yo'), 'bluegreen-ecs', '--yes', '--skip-install', '--no-insight'],
    writes: 'infra/service.yml',
  },
  [YO_CODE]: {
    argv: () => [
      bin('yo'),
      'code',
      '--quick',
      '-t',
      'ts',
      '-n',
      'bench-ext',
      '--extensionId',
      'bench-ext',
      '--pkgManager',
      'npm',
      '--gitInit',
      'false',
      '--skipOpen',
      '--skip-install',
      '--no-insight',
    ],
    writes: 'bench-ext/package.json',
  },
};

/** Ratio targets: command -> [baseline, at most]. */
const TARGETS: Record<string, [string, number]> = {
  'create-bluegreen-ecs DIR --yes --skip-install': [VITE, 3],
  'create-bluegreen-ecs DIR --yes --skip-install (no-op regeneration)': [VITE, 3],
  'create-bluegreen-ecs --help': [VITE, 1.5],
  'yo bluegreen-ecs --yes --skip-install': [YO_CODE, 1],
};

const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;

/** Runs one command under bash and returns its CPU (children's user + sys, from `times`) and wall milliseconds. */
function measure(argv: string[], cwd: string): { cpu: number; wall: number; status: number | null; stderr: string } {
  const script = `${argv.map(quote).join(' ')} </dev/null >/dev/null; s=$?; times; exit $s`;
  const started = process.hrtime.bigint();
  const run = spawnSync('bash', ['-c', script], { cwd, env, encoding: 'utf8', timeout: 120_000 });
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  // `times` prints the shell's own times, then its children's: "0m0.078s 0m0.009s".
  const children = run.stdout.trim().split('\n').at(-1) ?? '';
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return { cpu: (seconds[0] + seconds[1]) * 1000, wall, status: run.status, stderr: run.stderr };
}

const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(COMMANDS).map((k) => [k, []]));
const wall: Record<string, number[]> = Object.fromEntries(Object.keys(COMMANDS).map((k) => [k, []]));
let n = 0;
// Interleaved rounds, so that a slow moment of the machine hits every command alike; round 0 warms the caches.
for (let round = 0; round <= rounds; round++) {
  process.stderr.write(`round ${round}/${rounds}\r`);
  for (const [name, { argv, writes }] of Object.entries(COMMANDS)) {
    const dir = path.join(workspace, `out-${n++}`);
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    const run = measure(argv(dir), dir);
    if (run.status !== 0 || (writes && !existsSync(path.join(dir, writes))))
      throw new Error(`${name} failed (${run.status}): ${run.stderr}`);
    rmSync(dir, { recursive: true, force: true });
    if (round > 0) {
      cpu[name].push(run.cpu);
      wall[name].push(run.wall);
    }
  }
}
rmSync(workspace, { recursive: true, force: true });

const x = (value: number, baseline: number) => `${(value / baseline).toFixed(2)}x`;
printTable(
  `Generation, whole process: medians of ${rounds} interleaved runs (node ${process.version}, ${os.cpus().length} cores)`,
  ['command', 'CPU ms', 'wall ms', 'CPU ratio', 'target', 'met'],
  Object.keys(COMMANDS).map((name) => {
    const target = TARGETS[name];
    const ratio = target ? median(cpu[name]) / median(cpu[target[0]]) : undefined;
    return [
      `\`${name}\``,
      median(cpu[name]).toFixed(0),
      median(wall[name]).toFixed(0),
      target
        ? `${x(median(cpu[name]), median(cpu[target[0]]))} of \`${target[0].split(' ').slice(0, 2).join(' ')}\``
        : 'baseline',
      target ? `<= ${target[1]}x` : '',
      ratio === undefined ? '' : ratio <= target[1] ? 'yes' : 'NO',
    ];
  }),
);
