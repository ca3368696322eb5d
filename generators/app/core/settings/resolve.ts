// The one resolver: turns raw values from flags, .yo-rc.json and prompts into validated Settings. Pure: no Yeoman, no I/O.
import { SETTINGS, cliFlagOf, type SettingDeclaration } from './declaration.js';
import type { Context } from './context.js';
import type { SettingName, Settings } from './declaration.js';
import { cut, unsafeTextProblem } from './validators.js';

export type Origin = 'flag' | 'stored' | 'prompt' | 'default';

export interface Problem {
  setting: SettingName;
  origin: Origin;
  value: unknown;
  message: string;
}

/** Thrown when any setting is invalid; nothing has been written when it is thrown. */
export class SettingsError extends Error {
  constructor(readonly problems: Problem[]) {
    super(`Invalid settings, nothing was written:\n` + problems.map((p) => `  - ${describeProblem(p)}`).join('\n'));
    this.name = 'SettingsError';
  }
}

const ORIGIN_TEXT: Record<Origin, (name: string) => string> = {
  flag: (name) => `from --${cliFlagOf(declarationOf(name as SettingName))}`,
  stored: () => 'from .yo-rc.json',
  prompt: () => 'from the prompt',
  default: () => 'default',
};

export { cut };

export function describeProblem(p: Problem): string {
  return `${p.setting} = ${cut(JSON.stringify(p.value) ?? String(p.value))} (${ORIGIN_TEXT[p.origin](p.setting)}): ${p.message}`;
}

/** Parses a raw value (a CLI string, a JSON value, a prompt answer) into the setting's type. */
export function coerce(decl: SettingDeclaration, raw: unknown): { value: unknown } | { error: string } {
  switch (decl.kind) {
    case 'integer': {
      if (typeof raw === 'number') return Number.isInteger(raw) ? { value: raw } : { error: 'must be a whole number' };
      if (typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw)) return { value: Number.parseInt(raw, 10) };
      return { error: 'must be a whole number' };
    }
    case 'number': {
      const value = typeof raw === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : raw;
      return typeof value === 'number' && Number.isFinite(value) ? { value } : { error: 'must be a number' };
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { value: raw };
      if (raw === 'true' || raw === 'yes' || raw === '') return { value: true };
      if (raw === 'false' || raw === 'no') return { value: false };
      return { error: 'must be true or false' };
    }
    case 'pairs':
      return parsePairs(raw);
    default:
      if (typeof raw === 'string') {
        const problem = unsafeTextProblem(raw);
        return problem ? { error: problem } : { value: raw.trim() };
      }
      if (typeof raw === 'number') return { value: String(raw) };
      return { error: 'must be text' };
  }
}

/**
 * KEY=VALUE entries: repeated flags (an array), one flag or a prompt answer (a string, entries separated by commas),
 * or the object .yo-rc.json stores. An empty string is no entry, so `--env ""` clears the list.
 */
export function parsePairs(raw: unknown): { value: Record<string, string> } | { error: string } {
  const parsed = pairsOf(raw);
  if ('error' in parsed) return parsed;
  for (const [key, value] of Object.entries(parsed.value)) {
    const problem = unsafeTextProblem(key) ?? unsafeTextProblem(value);
    if (problem) return { error: `entry ${JSON.stringify(cut(key, 40))}: ${problem}` };
  }
  return parsed;
}

function pairsOf(raw: unknown): { value: Record<string, string> } | { error: string } {
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const entries = Object.entries(raw);
    return entries.every(([, value]) => typeof value === 'string')
      ? { value: Object.fromEntries(entries) }
      : { error: 'must map each name to a text value' };
  }
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : undefined;
  if (!items?.every((item) => typeof item === 'string')) return { error: 'must be KEY=VALUE entries' };
  const value: Record<string, string> = {};
  for (const item of items.map((i) => i.trim()).filter((i) => i !== '')) {
    const at = item.indexOf('=');
    if (at <= 0) return { error: `entry ${JSON.stringify(item)} must be KEY=VALUE` };
    const key = item.slice(0, at).trim();
    if (key in value) return { error: `${key} is given twice` };
    value[key] = item.slice(at + 1);
  }
  return { value };
}

const declarations = new Map(SETTINGS.map((d) => [d.name, d]));

export function declarationOf(name: SettingName): SettingDeclaration {
  const decl = declarations.get(name);
  if (!decl) throw new Error(`unknown setting ${name}`);
  return decl;
}

/** Validates one raw value against its declaration and the settings known so far. */
export function check(
  name: SettingName,
  raw: unknown,
  known: Partial<Settings>,
): { value: unknown } | { error: string } {
  const decl = declarationOf(name);
  const parsed = coerce(decl, raw);
  if ('error' in parsed) return parsed;
  const result = (decl.validate as (value: unknown, s: Partial<Settings>) => true | string)(parsed.value, known);
  return result === true ? parsed : { error: result };
}

export interface Sources {
  flags: Partial<Record<SettingName, unknown>>;
  stored: Partial<Record<SettingName, unknown>>;
  answers?: Partial<Record<SettingName, unknown>>;
}

/**
 * Resolves every setting in declaration order (flag, then stored value, then prompt answer, then default) and validates
 * each against the ones before it. Strict (the default): throws SettingsError listing every problem. Lenient (while
 * prompting): leaves an invalid value out and returns the settings known so far, for prompt defaults and cross-field checks.
 */
export function resolveSettings(sources: Sources, context: Context): Settings;
export function resolveSettings(sources: Sources, context: Context, mode: { lenient: true }): Partial<Settings>;
export function resolveSettings(
  sources: Sources,
  context: Context,
  mode: { lenient?: boolean } = {},
): Partial<Settings> {
  const settings: Partial<Settings> = {};
  const problems: Problem[] = [];
  for (const decl of SETTINGS) {
    const [origin, raw] = pick(decl.name, sources);
    if (decl.applies && !decl.applies(settings)) {
      // A value given for a setting that does not apply is checked on its own (its kind, form and range: the other
      // settings do not use it) and never kept; session.ts names it in a warning.
      const own = origin === 'flag' || origin === 'stored' ? check(decl.name, raw, {}) : undefined;
      if (own && 'error' in own)
        problems.push({
          setting: decl.name,
          origin,
          value: raw,
          message: `${own.error} (it has no effect with these settings, but a wrong value is refused all the same)`,
        });
      continue;
    }
    let candidate = origin === 'default' ? decl.default(settings, context) : raw;
    if (origin === 'stored' && decl.keepStored) {
      const parsed = coerce(decl, raw);
      if ('value' in parsed) candidate = decl.keepStored(parsed.value as never, settings);
    }
    const result = check(decl.name, candidate, settings);
    if ('error' in result) {
      problems.push({ setting: decl.name, origin, value: candidate, message: result.error });
      continue;
    }
    (settings as Record<string, unknown>)[decl.name] = result.value;
  }
  if (problems.length > 0 && !mode.lenient) throw new SettingsError(problems);
  return settings;
}

/** Values given by a flag or stored in .yo-rc.json for settings that do not apply to the others: not used, not stored. */
export function withoutEffect(sources: Sources, context: Context): Omit<Problem, 'message'>[] {
  const known = resolveSettings(sources, context, { lenient: true });
  return SETTINGS.flatMap((decl) => {
    const [origin, value] = pick(decl.name, sources);
    const unused = (origin === 'flag' || origin === 'stored') && decl.applies && !decl.applies(known);
    return unused ? [{ setting: decl.name, origin, value }] : [];
  });
}

function pick(name: SettingName, { flags, stored, answers = {} }: Sources): [Origin, unknown] {
  if (flags[name] !== undefined) return ['flag', flags[name]];
  if (stored[name] !== undefined) return ['stored', stored[name]];
  if (answers[name] !== undefined) return ['prompt', answers[name]];
  return ['default', undefined];
}

/** Settings that must be asked: not given by a flag or .yo-rc.json. */
export function unansweredSettings(sources: Sources): SettingName[] {
  return SETTINGS.filter((d) => sources.flags[d.name] === undefined && sources.stored[d.name] === undefined).map(
    (d) => d.name,
  );
}
