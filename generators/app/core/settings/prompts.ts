// Questions derived from the settings declaration; each answer is checked by the same validator as flags and .yo-rc.json.
import { check, declarationOf } from './resolve.js';
import type { Context } from './context.js';
import type { SettingName, Settings } from './declaration.js';

/** An inquirer-style question: Yeoman's prompt takes it as it is, the bin maps it onto @inquirer/prompts. */
export interface Question {
  type: 'confirm' | 'select' | 'input';
  /** A setting, or one of the run's own questions (customise the other settings, write the project). */
  name: SettingName | 'customise' | 'write';
  message: string;
  choices?: { value: string; name: string }[];
  default: () => unknown;
  validate: (input: unknown) => true | string;
}

/** The question of one setting; `known` gives the other settings as they stand when it is asked. */
export function questionFor(name: SettingName, known: () => Partial<Settings>, context: Context): Question {
  const decl = declarationOf(name);
  // A fixed set of values is a list: a choice's, or the few a number can take (Fargate's CPU sizes, say).
  const choices =
    decl.kind === 'choice'
      ? decl.choices.map((c) => ({ value: c.value, name: c.name }))
      : decl.values?.(known()).map((value) => ({ value: String(value), name: String(value) }));
  return {
    type: decl.kind === 'boolean' ? 'confirm' : choices ? 'select' : 'input',
    name,
    message: decl.message,
    choices,
    default: () => {
      const value = decl.default(known(), context);
      if (decl.kind === 'pairs')
        return Object.entries(value)
          .map(([k, v]) => `${k}=${v}`)
          .join(',');
      return decl.kind === 'integer' || decl.kind === 'number' ? JSON.stringify(value) : value;
    },
    validate: (input: unknown) => {
      const result = check(name, input, known());
      return 'error' in result ? `${name}: ${JSON.stringify(input)} ${result.error}` : true;
    },
  };
}

/** A yes-or-no question of the run itself. */
export function confirmation(name: 'customise' | 'write', message: string, fallback: boolean): Question {
  return { type: 'confirm', name, message, default: () => fallback, validate: () => true };
}
