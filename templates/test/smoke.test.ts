// The smoke test (scripts/smoke.mjs) run as the pipeline runs it, against the app served on loopback: it passes when the
// health path and / answer 2xx, fails after its last attempt otherwise, and refuses to run without a URL.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Check } from '../src/health.js';
import { HEALTH_PATH, serveApp } from './helpers.js';

// From dist/test/, where this test runs once compiled, to scripts/ (plain JavaScript, not compiled).
const SCRIPT = fileURLToPath(new URL('../../scripts/smoke.mjs', import.meta.url));

/** Runs the script with short retries (no pause, 2 s per request); resolves with its exit code and output. */
async function smoke(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [SCRIPT, ...args], {
    env: { ...process.env, SMOKE_INTERVAL_SECONDS: '0', SMOKE_TIMEOUT_SECONDS: '2', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, output };
}

const attemptLines = (output: string) => output.split('\n').filter((line) => line.startsWith('smoke: attempt '));

const failingDatabase: Check = { name: 'database', critical: true, run: () => Promise.reject(new Error('database is unreachable')) };

describe('npm run smoke -- URL', () => {
  it(`passes when ${HEALTH_PATH} and / answer 2xx`, async () => {
    const served = await serveApp();
    try {
      const { code, output } = await smoke([served.url]);
      assert.equal(code, 0, output);
      // The generated health path, and the bound on the whole run, printed before the first attempt.
      assert.ok(output.includes(`(health ${HEALTH_PATH}, root /)`), output);
      assert.match(output, /^smoke: .*: at most \d+ s$/m);
      assert.equal(attemptLines(output).length, 1);
      assert.match(output, /^smoke: PASS /m);
    } finally {
      await served.close();
    }
  });

  it('fails (exit 1) after exactly SMOKE_ATTEMPTS attempts when the health check answers 503', async () => {
    const served = await serveApp([failingDatabase]);
    try {
      const { code, output } = await smoke([served.url], { SMOKE_ATTEMPTS: '3' });
      assert.equal(code, 1, output);
      const attempts = attemptLines(output);
      assert.equal(attempts.length, 3);
      for (const line of attempts) assert.match(line, /health 503 .*database.*: fail$/);
      assert.match(output, /^smoke: FAIL /m);
    } finally {
      await served.close();
    }
  });

  it('exits 2 with a usage line without a URL, or with one that is not http(s)', async () => {
    for (const args of [[], ['not a url'], ['ftp://example.com']]) {
      const { code, output } = await smoke(args);
      assert.equal(code, 2, output);
      assert.match(output, /^usage: node scripts\/smoke\.mjs URL/m);
    }
  });
});
