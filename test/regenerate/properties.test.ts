// Property-based (fast-check, seeded): random first settings, random user edits (prepend, append, change a line,
// delete, CRLF, add a file of one's own, hand-edit .yo-rc.json), random second settings, dry or not.
// Invariants: a dry run changes no byte; a run that stops on conflicts leaves every file of the user byte-identical
// (it only adds .conflict files); after exit 0 no edit is lost, files the user left alone equal the new output, and
// running the same command again changes no byte.
import { readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { FILES } from '../../generators/app/core/render/files.js';
import { VERSION } from '../../generators/app/core/render/paths.js';
import { renderOutput } from '../../generators/app/core/render/render.js';
import type { Settings } from '../../generators/app/core/settings/declaration.js';
import { runCore, tempDir } from '../support/generate.js';
import { KEY } from './support.js';

// A long suite says what it runs when it starts.
beforeAll(() => console.log(`regeneration, property-based: ${RUNS} seeded cases (fast-check), about 10 to 40 s`));

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
// The cases run in batches, each a test with a deadline scaled to its work: a case is three generations in-process,
// 0.05 to 0.2 s on a quiet 2-core machine; CASE_BUDGET_MS leaves room for load average 10 and more (one 120 s test
// of all 200 cases passed its timeout at load 11).
const BATCH = 25;
const CASE_BUDGET_MS = 3_000;
const batches = Array.from({ length: Math.ceil(RUNS / BATCH) }, (_, i) => ({
  index: i + 1,
  runs: Math.min(BATCH, RUNS - i * BATCH),
}));

const settingsArb = fc.record({
  port: fc.constantFrom('3000', '8080', '9090'),
  strategy: fc.constantFrom('rolling', 'blue-green', 'canary', 'codedeploy'),
  healthCheckPath: fc.constantFrom('/status', '/healthz'),
  manualApproval: fc.boolean(),
  desiredCount: fc.constantFrom('2', '3'),
});

type Edit =
  | { kind: 'prepend' | 'append' | 'change' | 'clash' | 'delete' | 'crlf'; file: number; line: number }
  | { kind: 'add'; file: number; line: number }
  | { kind: 'yorc'; port: number };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('prepend', 'append', 'change', 'clash', 'clash', 'delete', 'crlf', 'add'),
    file: fc.nat(),
    line: fc.nat(),
  }) as fc.Arbitrary<Edit>,
  fc.record({ kind: fc.constant('yorc'), port: fc.constantFrom(4000, 5000) }) as fc.Arbitrary<Edit>,
);

function tree(dir: string): Map<string, string> {
  return new Map(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
      .sort()
      .map((file) => [file, readFileSync(path.join(dir, file), 'utf8')]),
  );
}

interface Applied {
  /** file -> what the user did to it */
  edits: Map<string, { kind: Edit['kind']; text?: string }>;
}

function applyEdits(dir: string, edits: Edit[]): Applied {
  const applied: Applied = { edits: new Map() };
  const files = [...tree(dir).keys()].filter((f) => f !== '.yo-rc.json' && f !== '.bluegreen-ecs.generated');
  const present = (f: string) => !applied.edits.has(f) || applied.edits.get(f)?.kind !== 'delete';
  for (const [index, edit] of edits.entries()) {
    if (edit.kind === 'yorc') {
      const rc = JSON.parse(readFileSync(path.join(dir, '.yo-rc.json'), 'utf8'));
      rc[KEY].port = edit.port;
      writeFileSync(path.join(dir, '.yo-rc.json'), JSON.stringify(rc, null, 2));
      continue;
    }
    if (edit.kind === 'add') {
      const file = `notes/mine-${index}.txt`;
      mkdirSync(path.join(dir, 'notes'), { recursive: true });
      writeFileSync(path.join(dir, file), `mine ${index}\n`);
      applied.edits.set(file, { kind: 'add', text: `mine ${index}\n` });
      continue;
    }
    // A clash edits a line that holds the port, which a port change changes too.
    const port = String(JSON.parse(readFileSync(path.join(dir, '.yo-rc.json'), 'utf8'))[KEY].port);
    const candidates =
      edit.kind === 'clash'
        ? files.filter(
            (f) =>
              !f.endsWith('.json') &&
              present(f) &&
              !applied.edits.has(f) &&
              readFileSync(path.join(dir, f), 'utf8').includes(port),
          )
        : files;
    if (candidates.length === 0) continue;
    const file = candidates[edit.file % candidates.length];
    // One edit per file, and JSON files keep valid JSON (a broken package.json is an error case of its own).
    if (applied.edits.has(file) || (file.endsWith('.json') && edit.kind !== 'delete' && edit.kind !== 'crlf')) continue;
    const target = path.join(dir, file);
    const text = readFileSync(target, 'utf8');
    const mark = `USER EDIT ${index}`;
    if (edit.kind === 'delete') unlinkSync(target);
    else if (edit.kind === 'crlf') writeFileSync(target, text.replaceAll('\n', '\r\n'));
    else if (edit.kind === 'prepend') writeFileSync(target, `${mark}\n${text}`);
    else if (edit.kind === 'append') writeFileSync(target, `${text}${mark}\n`);
    else if (edit.kind === 'clash')
      writeFileSync(target, text.replace(new RegExp(`^(.*${port}.*)$`, 'm'), `$1 ${mark}`));
    else {
      const lines = text.split('\n');
      lines[edit.line % lines.length] = mark;
      writeFileSync(target, lines.join('\n'));
    }
    applied.edits.set(file, { kind: edit.kind, text: mark });
  }
  return applied;
}

const expectedCache = new Map<string, Map<string, string>>();
/** The output for the settings stored in dir's .yo-rc.json. */
function expectedFor(dir: string): Map<string, string> {
  const { generatorVersion: _version, ...settings } = JSON.parse(readFileSync(path.join(dir, '.yo-rc.json'), 'utf8'))[
    KEY
  ];
  const key = JSON.stringify(settings);
  let out = expectedCache.get(key);
  if (!out) {
    out = new Map(
      [...renderOutput(FILES, settings as Settings, VERSION)].map(([file, { contents }]) => [file, contents]),
    );
    expectedCache.set(key, out);
  }
  return out;
}

describe('regeneration, property-based', () => {
  const outcomes = { dry: 0, conflict: 0, done: 0, merged: 0 };
  it.each(batches)(
    `keeps every invariant: batch $index of ${batches.length}, $runs seeded random cases`,
    async ({ index, runs }) => {
      await fc.assert(
        fc.asyncProperty(
          settingsArb,
          fc.array(editArb, { maxLength: 5 }),
          settingsArb,
          fc.boolean(),
          async (first, edits, second, dryRun) => {
            const dir = path.join(tempDir('bluegreen-prop-'), 'svc');
            try {
              expect((await runCore(dir, { appName: 'svc', ...first })).status).toBe(0);
              const { edits: applied } = applyEdits(dir, edits);
              const before = tree(dir);
              const run = await runCore(dir, second, { dryRun });
              const after = tree(dir);
              if (dryRun) outcomes.dry++;
              else if (run.status === 1) outcomes.conflict++;
              else outcomes.done++;
              if (run.log.includes('  merge ')) outcomes.merged++;
              if (dryRun) {
                expect(after).toEqual(before);
                return;
              }
              if (run.status === 1) {
                expect(run.error?.name, run.error?.message).toBe('ConflictError');
                for (const [file, text] of before) expect(after.get(file), file).toBe(text);
                for (const file of after.keys()) if (!before.has(file)) expect(file).toMatch(/\.conflict$/);
                return;
              }
              const expected = expectedFor(dir);
              for (const [file, edit] of applied) {
                const now = after.get(file);
                if (edit.kind === 'delete') expect(now, `${file} deleted by the user`).toBeUndefined();
                else if (edit.kind === 'add') expect(now).toBe(edit.text);
                else if (edit.kind === 'crlf') {
                  if (expected.has(file)) expect(now, file).toBe(expected.get(file)!.replaceAll('\n', '\r\n'));
                } else expect(now, `${file}: ${edit.kind}`).toContain(edit.text);
              }
              for (const [file, text] of expected) if (!applied.has(file)) expect(after.get(file), file).toBe(text);
              const again = await runCore(dir, second);
              expect(again.status).toBe(0);
              expect(tree(dir)).toEqual(after);
            } finally {
              rmSync(path.dirname(dir), { recursive: true, force: true });
            }
          },
        ),
        { seed: 20261126 + index, numRuns: runs },
      );
    },
    BATCH * CASE_BUDGET_MS,
  );

  it('the cases cover every outcome, so that the invariants were actually put to the test', () => {
    for (const [outcome, count] of Object.entries(outcomes)) expect(count, outcome).toBeGreaterThan(RUNS / 50);
  });
});
