// Vitest global setup: every temporary folder of the tests (ours, yeoman-test's, npm's) goes under one fresh folder,
// set as TMPDIR before the workers start, and removed when the run ends, so that no test leaves anything behind.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(path.join(os.tmpdir(), 'bluegreen-tests-'));
  // yo, run as root, drops to an unprivileged user, who must be able to pass through to its workspace.
  chmodSync(root, 0o711);
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}
