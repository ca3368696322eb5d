// The command line of both adapters, parsed once: the bin and `yo bluegreen-ecs` read the same flags the same way, and
// every argument error is in our words (the flag, the value, what is allowed, the nearest flag for a typo). Pure.
import { SETTINGS, cliFlagOf, yeomanOptionOf, type SettingDeclaration } from '../core/settings/declaration.js';
import type { Sources } from '../core/settings/resolve.js';

/** An argument the command does not take; nothing has been read or written when it is thrown. Exit code 2. */
export class ArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArgumentError';
  }
}

export interface CommandLine {
  flags: Sources['flags'];
  positionals: string[];
  yes: boolean;
  dryRun: boolean;
  force: boolean;
  skipInstall: boolean;
  /** --help: the examples and common flags; --help all: every setting too. */
  help?: 'common' | 'all';
  version: boolean;
}

/** Flags of the command itself (not settings), with their one-letter forms. */
const COMMAND = { yes: 'y', 'skip-install': '', force: '', 'dry-run': '', help: 'h', version: 'v' } as const;
type CommandFlag = keyof typeof COMMAND;
const BOOLEAN_WORDS: Record<string, boolean> = { true: true, yes: true, false: false, no: false };

/** Each setting under its flag, and under the name yo users knew (--environment for --env). */
const BY_FLAG = new Map<string, SettingDeclaration>(
  SETTINGS.flatMap((decl) => [
    [cliFlagOf(decl), decl],
    [yeomanOptionOf(decl), decl],
  ]),
);

/** Every long flag the command knows, as typed (--no- forms of booleans included), for suggestions. */
export const KNOWN_FLAGS: readonly string[] = [
  ...SETTINGS.flatMap((d) => (d.kind === 'boolean' ? [cliFlagOf(d), `no-${cliFlagOf(d)}`] : [cliFlagOf(d)])),
  ...Object.keys(COMMAND),
];

/** Edit distance (insert, delete, replace, swap of neighbours), for "did you mean". */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}

/** The known flag nearest to `typed` (within a third of its length, at least 2 edits), or undefined. */
export function nearestFlag(typed: string, known: readonly string[] = KNOWN_FLAGS): string | undefined {
  const ranked = known
    .map((flag) => ({ flag, distance: flag.startsWith(typed) && typed.length >= 3 ? 0.5 : editDistance(typed, flag) }))
    .sort((a, b) => a.distance - b.distance);
  const best = ranked[0];
  return best && best.distance <= Math.max(2, Math.floor(typed.length / 3)) ? best.flag : undefined;
}

function unknownFlag(typed: string, help: string): ArgumentError {
  const near = nearestFlag(typed.replace(/^-+/, ''));
  return new ArgumentError(`unknown flag ${typed}${near ? `; did you mean --${near}?` : ''} ${help}`);
}

/**
 * Parses the arguments after the command. `command` names it in messages; `ignore` lists flags that belong to the
 * program around the generator (yo's own), accepted and left alone.
 */
export function parseCommandLine(
  args: readonly string[],
  { command, ignore = [] }: { command: string; ignore?: readonly string[] },
): CommandLine {
  const help = `(run ${command} --help for the flags).`;
  const line: CommandLine = {
    flags: {},
    positionals: [],
    yes: false,
    dryRun: false,
    force: false,
    skipInstall: false,
    version: false,
  };
  const setCommand = (flag: CommandFlag) => {
    if (flag === 'help') line.help = line.help ?? 'common';
    else if (flag === 'version') line.version = true;
    else if (flag === 'yes') line.yes = true;
    else if (flag === 'dry-run') line.dryRun = true;
    else if (flag === 'force') line.force = true;
    else line.skipInstall = true;
  };
  /** Whether an argument is a flag this command or the program around it knows (so it is not taken as a value). */
  const isKnownFlag = (arg: string) => {
    if (!arg.startsWith('-') || /^-\d/.test(arg)) return false;
    const name = arg.replace(/^--?/, '').split('=')[0];
    return (
      BY_FLAG.has(name.replace(/^no-/, '')) ||
      name in COMMAND ||
      Object.values(COMMAND).includes(name as never) ||
      ignore.includes(name.replace(/^no-/, ''))
    );
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      line.positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      line.positionals.push(arg);
      continue;
    }
    if (!arg.startsWith('--')) {
      // One-letter flags, alone or together (-yh).
      for (const letter of arg.slice(1)) {
        const flag = (Object.keys(COMMAND) as CommandFlag[]).find((f) => COMMAND[f] === letter);
        if (!flag) throw unknownFlag(arg, help);
        setCommand(flag);
      }
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    const negated = name.startsWith('no-') && !BY_FLAG.has(name) ? name.slice(3) : undefined;
    const decl = BY_FLAG.get(negated ?? name);
    if (ignore.includes(negated ?? name)) {
      if (
        inline === undefined &&
        negated === undefined &&
        args[i + 1] !== undefined &&
        !args[i + 1].startsWith('-') &&
        ignore.includes(`${name}=`)
      )
        i++;
      continue;
    }
    if (!decl) {
      if (negated === undefined && name in COMMAND) {
        if (name === 'help' && (inline === 'all' || (inline === undefined && args[i + 1] === 'all'))) {
          line.help = 'all';
          if (inline === undefined) i++;
        } else if (inline !== undefined) {
          throw new ArgumentError(`--${name} takes no value, got ${JSON.stringify(inline)} ${help}`);
        } else setCommand(name as CommandFlag);
        continue;
      }
      throw unknownFlag(`--${name}`, help);
    }
    const flag = `--${cliFlagOf(decl)}`;
    if (negated !== undefined) {
      if (decl.kind !== 'boolean')
        throw new ArgumentError(
          `--${name}: ${flag} is not true or false; it takes a value (allowed: ${decl.rule}) ${help}`,
        );
      if (inline !== undefined)
        throw new ArgumentError(`--${name} takes no value, got ${JSON.stringify(inline)} ${help}`);
      line.flags[decl.name] = false;
      continue;
    }
    if (decl.kind === 'boolean') {
      const word =
        inline ?? (args[i + 1] !== undefined && args[i + 1].toLowerCase() in BOOLEAN_WORDS ? args[++i] : undefined);
      if (word === undefined) line.flags[decl.name] = true;
      else if (word.toLowerCase() in BOOLEAN_WORDS) line.flags[decl.name] = BOOLEAN_WORDS[word.toLowerCase()];
      else
        throw new ArgumentError(
          `${flag} ${JSON.stringify(word)}: allowed true or false (${flag}, --no-${cliFlagOf(decl)}, ${flag}=false) ${help}`,
        );
      continue;
    }
    // A value may start with a dash (--port -1, --env -X=1): only a flag this command knows ends the flag without one.
    const value = inline ?? (args[i + 1] !== undefined && !isKnownFlag(args[i + 1]) ? args[++i] : undefined);
    if (value === undefined) throw new ArgumentError(`${flag} needs a value (allowed: ${decl.rule}) ${help}`);
    if (decl.kind === 'pairs') {
      const before = line.flags[decl.name];
      line.flags[decl.name] = [...(Array.isArray(before) ? (before as string[]) : []), value];
    } else {
      if (line.flags[decl.name] !== undefined && line.flags[decl.name] !== value)
        throw new ArgumentError(
          `${flag} is given twice (${JSON.stringify(line.flags[decl.name])} and ${JSON.stringify(value)}) ${help}`,
        );
      line.flags[decl.name] = value;
    }
  }
  return line;
}

/**
 * The folder argument: at most `max` (the bin takes one, yo runs in the current folder); a word after a true-or-false
 * flag is named as a value of that flag.
 */
export function folderOf(line: CommandLine, args: readonly string[], command: string, max = 1): string | undefined {
  if (line.positionals.length <= max) return line.positionals[0];
  const extra = line.positionals[max];
  const before = args[args.indexOf(extra) - 1];
  const decl = before?.startsWith('--') ? BY_FLAG.get(before.slice(2)) : undefined;
  if (decl?.kind === 'boolean')
    throw new ArgumentError(
      `${before} ${JSON.stringify(extra)}: allowed true or false (${before}, --no-${cliFlagOf(decl)}, ${before}=false) (run ${command} --help for the flags).`,
    );
  const expected = max === 0 ? 'no argument (it runs in the current folder)' : 'at most one folder';
  throw new ArgumentError(
    `expected ${expected}, got ${line.positionals.map((p) => JSON.stringify(p)).join(' and ')} (run ${command} --help for the flags).`,
  );
}
