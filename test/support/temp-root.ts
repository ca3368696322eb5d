// Vitest global setup: every temporary folder of the tests (ours, yeoman-test's, npm's) goes under one fresh folder,
// set as TMPDIR before the workers start, and removed when the run ends, so that no test leaves anything behind.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(path.join(os.tmpdir(), 'bluegreen-tests-'));
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}
