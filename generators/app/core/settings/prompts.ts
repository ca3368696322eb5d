// Questions derived from the settings declaration; each answer is checked by the same validator as flags and .yo-rc.json.
import { check, declarationOf } from './resolve.js';
import type { Context } from './context.js';
import type { SettingName, Settings } from './declaration.js';

/** An inquirer-style question: Yeoman's prompt takes it as it is, the bin maps it onto @inquirer/prompts. */
export interface Question {
  type: 'confirm' | 'select' | 'input';
  name: SettingName;
  message: string;
  choices?: { value: string; name: string }[];
  default: () => unknown;
  validate: (input: unknown) => true | string;
}

/** The question of one setting; `known` gives the other settings as they stand when it is asked. */
export function questionFor(name: SettingName, known: () => Partial<Settings>, context: Context): Question {
  const decl = declarationOf(name);
  return {
    type: decl.kind === 'boolean' ? 'confirm' : decl.kind === 'choice' ? 'select' : 'input',
    name,
    message: decl.message,
    choices: decl.kind === 'choice' ? decl.choices.map((c) => ({ value: c.value, name: c.name })) : undefined,
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
