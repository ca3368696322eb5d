// Real concurrent runs in one folder, each with another port and a random start delay (seeded: BLUEGREEN_RACE_SEED,
// rounds BLUEGREEN_RACE_ROUNDS). One lock covers each run's whole read-plan-write, so runs take turns: afterwards
// .yo-rc.json and the tree agree (the tree is what a fresh run of the stored settings writes), and the stored port is
// that of the run that finished last among those that exited 0 (every other was overtaken by a run after it).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, runBin, tempDir } from '../support/generate.js';
import { seeded } from '../support/seeded.js';
import { readYoRc, snapshot } from './support.js';

const SEED = Number(process.env.BLUEGREEN_RACE_SEED ?? Date.now() % 1_000_000);
const ROUNDS = Number(process.env.BLUEGREEN_RACE_ROUNDS ?? 4);

beforeAll(() => console.log(`concurrent runs: seed ${SEED}, ${ROUNDS} rounds of 2 to 4 runs`));

const files = (dir: string, skip: string[]) =>
  Object.fromEntries([...snapshot(dir)].filter(([f]) => !skip.includes(f)).map(([f, { contents }]) => [f, contents]));

/** Starts the bin after `delayMs`; resolves with its exit code and the order in which it ended. */
function start(args: string[], delayMs: number, ended: number[], index: number): Promise<number | null> {
  return new Promise((resolve) =>
    setTimeout(() => {
      const child = spawn(process.execPath, [BIN, ...args], { stdio: 'ignore' });
      child.on('exit', (code) => {
        ended.push(index);
        resolve(code);
      });
    }, delayMs),
  );
}

describe('concurrent runs in one folder', () => {
  it('take turns: the tree matches .yo-rc.json, and the last run to finish wins', async () => {
    const next = seeded(SEED);
    for (let round = 0; round < ROUNDS; round++) {
      const dir = path.join(tempDir(), 'svc');
      expect(runBin([dir, '--yes', '--skip-install']).status).toBe(0);
      const count = 2 + Math.floor(next() * 3);
      const ports = Array.from({ length: count }, (_, i) => 4000 + round * 10 + i);
      const ended: number[] = [];
      const codes = await Promise.all(
        ports.map((port, i) =>
          start([dir, '--yes', '--skip-install', '--port', String(port)], Math.floor(next() * 300), ended, i),
        ),
      );
      const context = `seed ${SEED}, round ${round}, ports ${ports.join(' ')}, exit codes ${codes.join(' ')}`;
      const succeeded = ended.filter((i) => codes[i] === 0);
      expect(succeeded.length, context).toBeGreaterThan(0);
      expect(readYoRc(dir).port, context).toBe(ports[succeeded[succeeded.length - 1]]);
      // The tree is exactly what a fresh run of the stored settings writes.
      const fresh = path.join(tempDir(), 'svc');
      const stored = JSON.parse(readFileSync(path.join(dir, '.yo-rc.json'), 'utf8')) as Record<string, unknown>;
      const settings = stored['generator-bluegreen-ecs'] as Record<string, unknown>;
      expect(runBin([fresh, '--yes', '--skip-install', '--port', String(settings.port)]).status).toBe(0);
      expect(files(dir, ['.yo-rc.json', '.bluegreen-ecs.generated']), context).toEqual(
        files(fresh, ['.yo-rc.json', '.bluegreen-ecs.generated']),
      );
      expect(runBin([dir, '--yes', '--skip-install', '--dry-run']).stdout, context).toMatch(/change no file/);
    }
  });
});
