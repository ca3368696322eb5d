// Questions derived from the settings declaration; each answer is checked by the same validator as flags and .yo-rc.json.
import { check, declarationOf, type Sources } from './resolve.js';
import { SETTINGS } from './settings.js';
import type { Context, SettingName, Settings } from './types.js';

/** Settings as known so far (flags, stored values, answers, defaults), for prompt defaults and cross-field checks. */
export function knownSettings(sources: Sources, answers: Sources['answers'], context: Context): Partial<Settings> {
  const known: Partial<Settings> = {};
  for (const decl of SETTINGS) {
    const raw = sources.flags[decl.name] ?? sources.stored[decl.name] ?? answers?.[decl.name] ?? decl.default(known, context);
    const result = check(decl.name, raw, known);
    if (!('error' in result)) (known as Record<string, unknown>)[decl.name] = result.value;
  }
  return known;
}

/** The inquirer question of one setting; `known` gives the other settings as they stand when it is asked. */
export function questionFor(name: SettingName, known: () => Partial<Settings>, context: Context) {
  const decl = declarationOf(name);
  return {
    type: decl.kind === 'boolean' ? 'confirm' : decl.kind === 'choice' ? 'select' : 'input',
    name,
    message: decl.message,
    choices: decl.kind === 'choice' ? decl.choices.map((c) => ({ value: c.value, name: c.name })) : undefined,
    default: () => {
      const value = decl.default(known(), context);
      return decl.kind === 'integer' || decl.kind === 'number' ? String(value) : value;
    },
    validate: (input: unknown) => {
      const result = check(name, input, known());
      return 'error' in result ? `${name}: ${JSON.stringify(input)} ${result.error}` : true;
    },
  };
}

/** True when prompts would go to a terminal adapter but there is no terminal on stdin. */
export function isNonInteractiveTerminal(adapter: unknown): boolean {
  const actual = (adapter as { actualAdapter?: unknown })?.actualAdapter ?? adapter;
  return (actual as object | undefined)?.constructor?.name === 'TerminalAdapter' && !process.stdin.isTTY;
}
