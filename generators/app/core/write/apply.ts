// Applies a plan to disk, all or nothing and only inside the destination:
// - every path is resolved through real paths first; a symlink at or above a generated path that leads out of the
//   destination stops the run before anything is written (one that stays inside is followed: its target is written);
// - every path is checked writable, then every new file is written to a temporary file beside its target, then all are
//   renamed into place, then removals, then .yo-rc.json last, the same way: a failed or killed run leaves the old tree,
//   or at worst some finished files and the old .yo-rc.json, never a truncated file;
// - a lock file stops a second run in the same folder; a lock left by a dead process is taken over.
import {
  accessSync,
  chmodSync,
  constants,
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
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
      case 'create':
      case 'update':
      case 'merge':
      case 'overwrite':
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

/** Where temporary files go: beside their target, hidden, with a name the next run can find and clean. */
export const tempPathOf = (target: string) =>
  path.join(path.dirname(target), `.${path.basename(target)}.bluegreen-tmp`);

export const LOCK_FILE = '.bluegreen-ecs.lock';

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

/** Test seam: BLUEGREEN_ECS_FAULT=fail:N makes the Nth file write fail, kill:N kills the process before it. */
function faultAt(step: number): void {
  const fault = /^(fail|kill):(\d+)$/.exec(process.env.BLUEGREEN_ECS_FAULT ?? '');
  if (!fault || Number(fault[2]) !== step) return;
  if (fault[1] === 'kill') process.kill(process.pid, 'SIGKILL');
  throw new Error(`injected fault at write ${step}`);
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
      faultAt(++step);
      mkdirSync(path.dirname(target), { recursive: true });
      const temp = tempPathOf(target);
      temps.push(temp);
      // A file that exists keeps its permissions (the user's chmod); a new one gets its template's.
      const mode = statSync(target, { throwIfNoEntry: false })?.mode ?? op.mode;
      writeFileSync(temp, op.contents, mode === undefined ? undefined : { mode: mode & 0o7777 });
      if (mode !== undefined) chmodSync(temp, mode & 0o7777);
    }
  } catch (error) {
    for (const temp of temps) rmSync(temp, { force: true });
    throw error;
  }
  let renamed = 0;
  try {
    for (const { target } of files) {
      faultAt(++step);
      renameSync(temps[renamed], target);
      renamed++;
    }
  } catch (error) {
    for (const temp of temps.slice(renamed)) rmSync(temp, { force: true });
    throw error;
  }
  for (const { op, target } of targets) if ('remove' in op) rmSync(target, { force: true });
  if (last) {
    faultAt(step + 1);
    const temp = tempPathOf(last.target);
    writeFileSync(temp, last.op.contents);
    renameSync(temp, last.target);
  }
  return realRoot;
}

/** Removes temporary files a killed run left beside these paths. */
export function cleanTemporaryFiles(root: string, relatives: string[]): void {
  for (const relative of [...relatives, '.yo-rc.json']) rmSync(tempPathOf(path.join(root, relative)), { force: true });
}

/** Takes the folder's lock, or throws a UserError when a live run holds it; returns the release function. */
export function takeLock(root: string): () => void {
  mkdirSync(root, { recursive: true });
  const file = path.join(root, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeFileSync(fd, JSON.stringify({ pid: process.pid, host: os.hostname(), started: new Date().toISOString() }));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readLock(file);
      if (holder && isAlive(holder)) {
        throw new UserError(
          `Another run (pid ${holder.pid}, started ${holder.started}) is writing in ${root}; wait for it to end. ` +
            `If no run is going on, delete ${file}.`,
        );
      }
      unlinkSync(file); // left by a process that is gone
    }
  }
  throw new UserError(`Could not take the lock ${file}; delete it if no run is going on.`);
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
