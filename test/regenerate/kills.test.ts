// kill -9 at random instants of a real run (first run and regeneration), then a plain re-run with no setting flags:
// the folder is then byte for byte exactly the tree before the killed run or exactly the one it was making, with no
// temporary file, journal or lock left. Seeded (BLUEGREEN_KILL_SEED), trials per case BLUEGREEN_KILL_TRIALS (6).
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, runBin, tempDir } from '../support/generate.js';
import { seeded } from '../support/seeded.js';
import { snapshot } from './support.js';

const SEED = Number(process.env.BLUEGREEN_KILL_SEED ?? Date.now() % 1_000_000);
const TRIALS = Number(process.env.BLUEGREEN_KILL_TRIALS ?? 6);

beforeAll(() => console.log(`kills at random instants: seed ${SEED}, ${TRIALS} trials per case`));

const tree = (dir: string) =>
  existsSync(dir) ? Object.fromEntries([...snapshot(dir)].map(([file, { contents }]) => [file, contents])) : {};
const runFiles = (dir: string) =>
  (existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }) : []).filter((f) =>
    /(\.bluegreen-tmp|\.bluegreen-ecs\.lock|\.bluegreen-ecs\.journal)$/.test(f),
  );

/** Starts the bin and SIGKILLs it after `delayMs` (or lets it finish); resolves with how it ended. */
function runAndKill(args: string[], delayMs: number): Promise<{ killed: boolean; ms: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], { stdio: 'ignore' });
  const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
  return new Promise((resolve) =>
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve({ killed: signal === 'SIGKILL', ms: performance.now() - started });
    }),
  );
}

const CASES = {
  // A first run's plain re-run takes the defaults, so its flags are the defaults too.
  'a first run': { prepare: (dir: string) => dir, flags: [] as string[] },
  'a regeneration (port 3000 -> 8080)': {
    prepare: (dir: string) => {
      expect(runBin([dir, '--yes', '--skip-install']).status).toBe(0);
      return dir;
    },
    flags: ['--port', '8080'],
  },
};

describe.each(Object.entries(CASES))('%s killed at a random instant', (name, { prepare, flags }) => {
  it('a plain re-run leaves exactly the old tree or exactly the new one, and nothing else', async () => {
    const next = seeded(SEED + name.length);
    const source = prepare(path.join(tempDir(), 'svc'));
    const old = tree(source);
    const copy = () => {
      const dir = path.join(tempDir(), 'svc');
      if (existsSync(source)) cpSync(source, dir, { recursive: true });
      return dir;
    };
    // The new tree, and how long a whole run takes here and now: the kills fall anywhere in it.
    const reference = copy();
    const whole = await runAndKill([reference, '--yes', '--skip-install', ...flags], 600_000);
    expect(whole.killed).toBe(false);
    const fresh = tree(reference);
    const outcomes = { old: 0, new: 0, finished: 0 };
    for (let trial = 0; trial < TRIALS; trial++) {
      const dir = copy();
      // Most of a run is Node starting and rendering; the write phase is its last part, so later instants weigh more.
      const delay = whole.ms * (0.3 + 0.8 * next());
      const { killed } = await runAndKill([dir, '--yes', '--skip-install', ...flags], delay);
      if (!killed) outcomes.finished++;
      const rerun = runBin([dir, '--yes', '--skip-install']);
      expect(rerun.status, `seed ${SEED}, trial ${trial}, delay ${Math.round(delay)} ms: ${rerun.stderr}`).toBe(0);
      const after = tree(dir);
      const which = JSON.stringify(after) === JSON.stringify(fresh) ? 'new' : 'old';
      if (which === 'old')
        expect(after, `seed ${SEED}, trial ${trial}: neither the old tree nor the new one`).toEqual(old);
      outcomes[which]++;
      expect(runFiles(dir), `seed ${SEED}, trial ${trial}`).toEqual([]);
    }
    console.log(`${name}: ${JSON.stringify(outcomes)} (a whole run ${Math.round(whole.ms)} ms)`);
  });
});
