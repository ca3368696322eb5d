// Generation time: create-bluegreen-ecs and yo bluegreen-ecs against generator-code (yo code --quick), same run, as ratios.
// Run: npm run bench:generation [-- rounds]
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, ROOT } from '../test/support/generate.js';
import { median, printTable, ratio } from './lib.js';

const rounds = Number(process.argv[2] ?? 7);
const YO = path.join(ROOT, 'node_modules', '.bin', 'yo');
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

/** Each command, and a file it must have written (so a run that silently did nothing is not timed). */
const COMMANDS: Record<string, { argv: (dir: string) => string[]; writes: string }> = {
  'create-bluegreen-ecs --yes --skip-install': {
    argv: (dir) => [process.execPath, BIN, path.join(dir, 'service'), '--yes', '--skip-install'],
    writes: 'service/infra/service.yml',
  },
  'yo bluegreen-ecs --yes --skip-install': {
    argv: () => [YO, 'bluegreen-ecs', '--yes', '--skip-install', '--no-insight'],
    writes: 'infra/service.yml',
  },
  'yo code --quick --skip-install (generator-code 1.12, peer)': {
    argv: () => [YO, 'code', '--quick', '-t', 'ts', '-n', 'bench-ext', '--extensionId', 'bench-ext', '--pkgManager', 'npm',
      '--gitInit', 'false', '--skipOpen', '--skip-install', '--no-insight'],
    writes: 'bench-ext/package.json',
  },
};
const PEER = 'yo code --quick --skip-install (generator-code 1.12, peer)';

const times: Record<string, number[]> = Object.fromEntries(Object.keys(COMMANDS).map((k) => [k, []]));
let n = 0;
// Interleaved rounds, so that a slow moment of the machine hits every command alike.
for (let round = 0; round <= rounds; round++) {
  for (const [name, { argv, writes }] of Object.entries(COMMANDS)) {
    const dir = path.join(workspace, `out-${n++}`);
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    const command = argv(dir);
    const started = process.hrtime.bigint();
    const run = spawnSync(command[0], command.slice(1), { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (run.status !== 0 || !existsSync(path.join(dir, writes))) throw new Error(`${name} failed (${run.status}): ${run.stderr}`);
    // Round 0 warms the file system cache and is not counted.
    if (round > 0) times[name].push(ms);
  }
}
rmSync(workspace, { recursive: true, force: true });
const peer = median(times[PEER]);
printTable(
  `Generation time, median of ${rounds} interleaved runs (node ${process.version}, ${os.cpus().length} cores)`,
  ['command', 'median ms', 'min ms', 'max ms', 'vs peer'],
  Object.entries(times).map(([name, ms]) => [
    `\`${name}\``, median(ms).toFixed(0), Math.min(...ms).toFixed(0), Math.max(...ms).toFixed(0), ratio(median(ms), peer),
  ]),
);
