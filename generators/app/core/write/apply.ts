// Applies a plan to disk, all or nothing and only inside the destination:
// - every path is resolved through real paths first; a symlink at or above a generated path that leads out of the
//   destination stops the run before anything is written (one that stays inside is followed: its target is written);
// - every path is checked writable, then every new file is written to a temporary file beside its target, then all are
//   renamed into place, then removals, then .yo-rc.json last, the same way;
// - a journal makes the renames recoverable: it is written (atomically) once every temporary file is complete and
//   before the first rename, and removed after the last; the next run completes a journal it finds (roll forward) or,
//   without one, removes leftover temporary files (the old tree). A killed run thus ends as exactly the old tree or
//   exactly the new one, once any later run has started;
// - a lock file, held by the run from before it reads the folder until it has written, stops a second run in the same
//   folder (it waits a bounded time); a lock left by a dead process is taken over.
import {
  accessSync,
  chmodSync,
  constants,
  closeSync,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONFLICT_SUFFIX, conflictsOf, type Plan } from './plan.js';

/** A run that cannot be carried out as asked; its message is for the user, and nothing was written. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** One write or removal, relative to the destination. */
export type Operation = { path: string; contents: string; mode?: number } | { path: string; remove: true };

/** The writes and removals of a plan; with a conflict only the side files. */
export function operationsOf(plan: Plan): Operation[] {
  const conflicted = conflictsOf(plan).length > 0;
  const out: Operation[] = [];
  for (const file of plan.files) {
    if (conflicted) {
      if (file.action === 'conflict' && file.writeConflictFile)
        out.push({ path: file.path + CONFLICT_SUFFIX, contents: file.contents ?? '' });
      continue;
    }
    switch (file.action) {
      case 'overwrite':
        if (file.copy) out.push({ path: file.copy.path, contents: file.copy.contents });
        out.push({ path: file.path, contents: file.contents ?? '', mode: file.mode });
        break;
      case 'create':
      case 'update':
      case 'merge':
        out.push({ path: file.path, contents: file.contents ?? '', mode: file.mode });
        break;
      case 'resolve':
        out.push(
          { path: file.path, contents: file.contents ?? '' },
          { path: file.path + CONFLICT_SUFFIX, remove: true },
        );
        break;
      case 'remove':
        out.push({ path: file.path, remove: true });
        break;
      default:
        break;
    }
  }
  return out;
}

const TEMP_SUFFIX = '.bluegreen-tmp';

/** Where temporary files go: beside their target, hidden, with a name the next run can find and clean. */
export const tempPathOf = (target: string) =>
  path.join(path.dirname(target), `.${path.basename(target)}${TEMP_SUFFIX}`);

export const LOCK_FILE = '.bluegreen-ecs.lock';
/** The record of an apply in progress: the renames and removals still to do, relative to the real destination. */
export const JOURNAL_FILE = '.bluegreen-ecs.journal';

interface Journal {
  /** [temporary file, target], in order; .yo-rc.json last. */
  renames: [string, string][];
  removals: string[];
}

/** Writes a file and flushes it to disk, so a journal never points at a temporary file that is not complete. */
function writeDurably(file: string, contents: string, mode?: number): void {
  const fd = openSync(file, 'w', mode === undefined ? undefined : mode & 0o7777);
  try {
    writeFileSync(fd, contents);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (mode !== undefined) chmodSync(file, mode & 0o7777);
}

const inside = (root: string, target: string) => target === root || target.startsWith(root + path.sep);

/**
 * The real path a relative path of the project writes to. Follows symlinks that stay inside the real destination;
 * throws a UserError naming the path when one leads out, or when a file stands where a folder is needed.
 */
export function containedTarget(realRoot: string, relative: string, kind: 'file' | 'folder' = 'file'): string {
  let current = realRoot;
  const parts = relative.split('/');
  for (const [index, part] of parts.entries()) {
    const next = path.join(current, part);
    const stat = lstatSync(next, { throwIfNoEntry: false });
    const shown = parts.slice(0, index + 1).join('/');
    if (!stat) return path.join(next, ...parts.slice(index + 1));
    if (stat.isSymbolicLink()) {
      let real: string;
      try {
        real = realpathSync(next);
      } catch {
        throw new UserError(
          `${shown} is a symlink to a path that does not exist (${readLinkText(next)}); the generator will not write through it. Remove it or point it inside the project.`,
        );
      }
      if (!inside(realRoot, real)) {
        throw new UserError(
          `${shown} is a symlink that leads out of the project (to ${real}); the generator writes only inside ${realRoot}. Nothing was written. Replace the symlink with a file or folder, or remove it.`,
        );
      }
      current = real;
    } else {
      current = next;
    }
    const isFile = index === parts.length - 1 && kind === 'file';
    if (!isFile && !statSync(current).isDirectory()) {
      throw new UserError(
        `${shown} is a file where the generator needs a folder (for ${relative}); nothing was written. Move it away and run again.`,
      );
    }
    if (isFile && statSync(current).isDirectory()) {
      throw new UserError(
        `${shown} is a folder where the generator writes a file; nothing was written. Move it away and run again.`,
      );
    }
  }
  return current;
}

const readLinkText = (link: string) => readlinkSync(link);

/** The nearest folder that exists at or above `target`. */
function existingAncestor(target: string): string {
  let dir = path.dirname(target);
  while (!existsSync(dir)) dir = path.dirname(dir);
  return dir;
}

function assertWritable(target: string, relative: string): void {
  const dir = existingAncestor(target);
  try {
    accessSync(dir, constants.W_OK);
    if (existsSync(target)) accessSync(target, constants.W_OK);
  } catch {
    throw new UserError(
      `${relative} cannot be written (no write permission on ${existsSync(target) ? target : dir}); nothing was written.`,
    );
  }
}

/**
 * Test seam: BLUEGREEN_ECS_FAULT=fail:N makes the Nth file write fail, kill:N kills the process before it, and
 * <ERRNO>:N (ENOSPC:3, say) makes it fail as the file system would, with that code; <ERRNO>:lock does so for the lock.
 */
function faultAt(step: number | 'lock', file: string): void {
  const fault = /^(fail|kill|E[A-Z]+):(\d+|lock)$/.exec(process.env.BLUEGREEN_ECS_FAULT ?? '');
  if (fault?.[2] !== String(step)) return;
  if (fault[1] === 'kill') process.kill(process.pid, 'SIGKILL');
  if (fault[1] === 'fail') throw new Error(`injected fault at write ${step}`);
  throw Object.assign(new Error(`${fault[1]}: injected, write '${file}'`), {
    code: fault[1],
    syscall: 'write',
    path: file,
  });
}

/** What to say for each disk error: what failed, and what to do. */
const DISK_ERRORS: Record<string, string> = {
  ENOENT: 'does not exist (ENOENT): a folder of the path is missing or was removed during the run',
  ENOTDIR: 'cannot be a folder (ENOTDIR): a part of the path is a file. Name a folder, or move the file away',
  EISDIR: 'is a folder where a file belongs (EISDIR). Move the folder away',
  EACCES: 'is not writable or readable for this user (EACCES). Fix its permissions, or choose another folder',
  EPERM: 'may not be changed by this user (EPERM). Fix its permissions, or choose another folder',
  EROFS: 'is on a read-only file system (EROFS). Choose another folder',
  ENOSPC: 'could not be written: no space left on the device (ENOSPC). Free some space',
  EDQUOT: 'could not be written: disk quota exceeded (EDQUOT). Free some space',
  EMFILE: 'could not be opened: too many open files (EMFILE). Close some programs',
};

/**
 * A file system error as one line for the user (path, what failed, what to do), or undefined for another error. The
 * run's files are then the old ones (or, past the journal, a run of the same command completes them).
 */
export function diskError(error: unknown): UserError | undefined {
  const { code, path: file, dest } = (error ?? {}) as NodeJS.ErrnoException & { dest?: string };
  if (typeof code !== 'string' || !(code in DISK_ERRORS)) return undefined;
  return new UserError(
    `${dest ?? file ?? 'a file of the project'} ${DISK_ERRORS[code]}. ` +
      'Then run the same command again: it completes or undoes what this run began.',
  );
}

/**
 * Writes the operations, then `.yo-rc.json` (when given), all or nothing as described at the top of this file.
 * `root` is created when missing. Returns the real destination.
 */
export function applyOperations(root: string, operations: Operation[], yoRc?: string): string {
  mkdirSync(root, { recursive: true });
  const realRoot = realpathSync(root);
  const all = yoRc === undefined ? operations : [...operations, { path: '.yo-rc.json', contents: yoRc }];
  // A removal deletes the name itself (a symlink inside is the user's, not its target): only its folder is resolved.
  const targets = all.map((op) => ({
    op,
    target:
      'remove' in op && op.path.includes('/')
        ? path.join(
            containedTarget(realRoot, op.path.slice(0, op.path.lastIndexOf('/')), 'folder'),
            path.basename(op.path),
          )
        : 'remove' in op
          ? path.join(realRoot, op.path)
          : containedTarget(realRoot, op.path),
  }));
  for (const { op, target } of targets) assertWritable(target, op.path);

  const writes = targets.filter(
    (t): t is { op: { path: string; contents: string; mode?: number }; target: string } => 'contents' in t.op,
  );
  const last = writes.find((w) => w.op.path === '.yo-rc.json');
  const files = writes.filter((w) => w !== last);
  const temps: string[] = [];
  let step = 0;
  try {
    for (const { op, target } of files) {
      faultAt(++step, target);
      mkdirSync(path.dirname(target), { recursive: true });
      const temp = tempPathOf(target);
      temps.push(temp);
      // A file that exists keeps its permissions (the user's chmod); a new one gets its template's.
      writeDurably(temp, op.contents, statSync(target, { throwIfNoEntry: false })?.mode ?? op.mode);
    }
    if (last) {
      temps.push(tempPathOf(last.target));
      writeDurably(tempPathOf(last.target), last.op.contents);
    }
  } catch (error) {
    for (const temp of temps) rmSync(temp, { force: true });
    throw error;
  }
  const rel = (file: string) => path.relative(realRoot, file);
  const journal: Journal = {
    renames: [...files, ...(last ? [last] : [])].map(({ target }) => [rel(tempPathOf(target)), rel(target)]),
    removals: targets.filter(({ op }) => 'remove' in op).map(({ target }) => rel(target)),
  };
  const journalFile = path.join(realRoot, JOURNAL_FILE);
  writeDurably(tempPathOf(journalFile), JSON.stringify(journal));
  renameSync(tempPathOf(journalFile), journalFile);
  // From here on the run is committed: a failure or a kill leaves the journal, and the next run completes it.
  for (const [temp, target] of journal.renames) {
    faultAt(++step, target);
    renameSync(path.join(realRoot, temp), path.join(realRoot, target));
  }
  for (const removal of journal.removals) rmSync(path.join(realRoot, removal), { force: true });
  rmSync(journalFile, { force: true });
  return realRoot;
}

/**
 * Completes an apply that was interrupted after its journal was written, or else removes the temporary files of one
 * interrupted before: the folder is then exactly the new tree or exactly the old one. Returns what it did, for the user.
 */
export function recoverInterrupted(root: string): string | undefined {
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) return undefined;
  const realRoot = realpathSync(root);
  const journalFile = path.join(realRoot, JOURNAL_FILE);
  let said: string | undefined;
  if (existsSync(journalFile)) {
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as Journal;
    const within = (file: string) => {
      const full = path.resolve(realRoot, file);
      if (!inside(realRoot, full))
        throw new UserError(`${JOURNAL_FILE} names a path outside the project (${file}); delete it.`);
      return full;
    };
    for (const [temp, target] of journal.renames) {
      const from = within(temp);
      if (existsSync(from)) renameSync(from, within(target));
    }
    for (const removal of journal.removals) rmSync(within(removal), { force: true });
    rmSync(journalFile, { force: true });
    said = `An earlier run was interrupted while it wrote; its changes are now complete (${journal.renames.length} file(s)).`;
  }
  const leftovers = temporaryFiles(realRoot);
  for (const file of leftovers) rmSync(file, { force: true });
  if (!said && leftovers.length > 0)
    said = `An earlier run was interrupted before it wrote anything; its ${leftovers.length} temporary file(s) are removed and the files are as they were.`;
  return said;
}

/** Temporary files of this generator anywhere in the project (not in node_modules or .git). */
function temporaryFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== '.git') found.push(...temporaryFiles(full));
    } else if (entry.name.endsWith(TEMP_SUFFIX)) found.push(full);
  }
  return found;
}

/** How long a run waits for another run's lock before it stops: a run holds it while it asks, so this is bounded. */
export const LOCK_WAIT_MS = 1000 * Number(process.env.BLUEGREEN_ECS_LOCK_WAIT_SECONDS ?? 30);
const LOCK_POLL_MS = 100;

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Takes the folder's lock (creating the folder), waiting up to `waitMs` while a live run holds it, and returns the
 * release function. A lock of a dead process, or of this process (an earlier run in it that failed), is taken over.
 */
export function takeLock(
  root: string,
  log: (text: string) => void = () => undefined,
  waitMs = LOCK_WAIT_MS,
): () => void {
  mkdirSync(root, { recursive: true });
  const file = path.join(root, LOCK_FILE);
  let waited = 0;
  let announced = false;
  for (;;) {
    let fd: number | undefined;
    try {
      fd = openSync(file, 'wx');
      faultAt('lock', file);
      writeFileSync(fd, JSON.stringify({ pid: process.pid, host: os.hostname(), started: new Date().toISOString() }));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        // A lock that could not be written whole (ENOSPC, say) is not left behind.
        if (fd !== undefined) {
          closeSync(fd);
          rmSync(file, { force: true });
        }
        throw error;
      }
      const holder = readLock(file);
      // A lock without its contents may be one that a live run is writing this instant: give it a moment.
      const fresh = !holder && Date.now() - (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0) < 2000;
      if (!fresh && (!holder || !isAlive(holder) || holder.pid === process.pid)) {
        // Left by a process that is gone, half written, or by an earlier run of this process.
        rmSync(file, { force: true });
        continue;
      }
      if (waited >= waitMs) {
        throw new UserError(
          `Another run (pid ${holder?.pid ?? 'unknown'}, started ${holder?.started ?? 'just now'}) is still working in ${root} after ${Math.round(waitMs / 1000)} s; nothing was written. ` +
            `Run again when it has ended. If no run is going on, delete ${file}.`,
        );
      }
      if (!announced) log(`Waiting for another run (pid ${holder?.pid ?? 'unknown'}) in ${root} to end...`);
      announced = true;
      sleep(LOCK_POLL_MS);
      waited += LOCK_POLL_MS;
    }
  }
}

interface LockHolder {
  pid: number;
  host: string;
  started: string;
}

function readLock(file: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
    return Number.isInteger(holder.pid) ? holder : undefined;
  } catch {
    return undefined;
  }
}

/** A lock from another machine (a shared folder) counts as alive: its process cannot be checked from here. */
function isAlive(holder: LockHolder): boolean {
  if (holder.host !== os.hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
