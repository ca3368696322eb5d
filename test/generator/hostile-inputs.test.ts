// Property: every setting of the declaration, fed hostile text or numbers through a flag, .yo-rc.json or a prompt
// answer, is either refused with a message that names it, its value, the source and a rule, or renders files that parse
// (YAML 1.2 and 1.1 with the `yaml` package, JSON) and carry the resolved value unchanged. Bounded: FC_RUNS runs per
// setting (default 12), seed printed (FC_SEED to replay).
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { FILES } from '../../generators/app/core/render/files.js';
import { renderOutput } from '../../generators/app/core/render/render.js';
import {
  SettingsError,
  describeProblem,
  resolveSettings,
  type Sources,
} from '../../generators/app/core/settings/resolve.js';
import { SETTINGS, type SettingDeclaration } from '../../generators/app/core/settings/declaration.js';
import { traitsOf } from '../../generators/app/core/settings/strategies.js';
import type { SettingName, Settings } from '../../generators/app/core/settings/declaration.js';
import { CFN_TAGS } from '../support/cfn/parse.js';

const SEED = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.FC_RUNS ?? 12);
console.log(`hostile-inputs: seed ${SEED} (FC_SEED=${SEED} to replay), ${RUNS} runs per setting`);

const CONTEXT = { folderName: 'shop', gitRemote: '' };
const ACCOUNT = '123456789012';
const SECRET = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db-AbCdEf`;

/** Other settings (flags) under which `decl` applies. */
function applying(decl: SettingDeclaration): Record<string, unknown> {
  const owner = ['blue-green', 'canary', 'linear', 'codedeploy'].find((s) => traitsOf(s).owns.includes(decl.name));
  if (owner) return { strategy: owner };
  const needs: Partial<Record<SettingName, Record<string, unknown>>> = {
    privateSubnets: { network: 'new' },
    certificateArn: { domain: 'api.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
    hostedZoneId: { domain: 'api.example.com' },
    minCount: { autoscaling: 'cpu' },
    maxCount: { autoscaling: 'cpu' },
    scalingTarget: { autoscaling: 'requests' },
    kmsKeyArn: { secrets: [`DB=${SECRET}`] },
  };
  return needs[decl.name] ?? {};
}

/** Characters and words with a meaning to YAML, JSON, shells, ejs, GitHub's filters or CloudFormation. */
const SPECIAL = [
  '\u0000',
  '\u0007',
  '\t',
  '\n',
  '\r',
  '\u001b',
  '\u007f',
  '\u0080',
  '\u0085',
  '\u009f',
  '\u00a0',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\ud800',
  '\udc00',
  '\ud83d\ude00',
  'é',
  '"',
  "'",
  '\\',
  '`',
  '$',
  '${AWS::Region}',
  '!Ref x',
  '#',
  ': ',
  '- ',
  '? ',
  '{',
  '}',
  '[',
  ']',
  '&a',
  '*a',
  '|',
  '>',
  '%',
  '@',
  ',',
  '<%= 1 %>',
  '<%- x %>',
  '$(id)',
  ';',
  '&&',
  '..',
  '/',
  '//',
  '+',
  '!',
  '~',
  'null',
  'true',
  'no',
  '0x1F',
  '1e3',
  '---',
  '...',
  ' ',
  '',
];
const special = fc.constantFrom(...SPECIAL);
/** A typical valid value of each text setting, for hostile text around or inside it. */
const PLAIN: Partial<Record<SettingName, string>> = {
  appName: 'shop',
  region: 'us-east-1',
  branch: 'main',
  repository: 'acme/shop',
  healthCheckPath: '/status',
  domain: 'api.example.com',
  validationHook: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:check`,
};
const text = (plain: string) =>
  fc.oneof(
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
    {
      weight: 2,
      arbitrary: fc
        .array(fc.oneof(special, fc.string({ maxLength: 3 })), { minLength: 1, maxLength: 4 })
        .map((parts) => parts.join('')),
    },
    {
      weight: 3,
      arbitrary: fc.tuple(special, fc.nat(plain.length)).map(([s, at]) => plain.slice(0, at) + s + plain.slice(at)),
    },
  );
const numberText = fc.oneof(
  fc.constantFrom(
    ' 12 ',
    '-0',
    '1e3',
    '0x10',
    '١٢',
    '12abc',
    '',
    ' ',
    'Infinity',
    'NaN',
    '9007199254740993',
    '+5',
    '1.',
  ),
  fc.integer().map(String),
  fc.double({ noNaN: false }).map(String),
);
const numberJson = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null));
// Mostly valid names, so that the values are what is tried.
const variableName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('LOG_LEVEL', 'A', '_X1', 'GREETING') },
  { weight: 1, arbitrary: text('KEY') },
);
const pairsText = (join: (entries: string[]) => unknown) =>
  fc
    .array(fc.tuple(variableName, text('value')), { maxLength: 3 })
    .map((entries) => join(entries.map(([k, v]) => `${k}=${v}`)));

/** A hostile raw value for `decl` as `source` gives it: flags and prompts give text, .yo-rc.json any JSON. */
function hostile(decl: SettingDeclaration, source: 'flag' | 'stored' | 'prompt'): fc.Arbitrary<unknown> {
  const plain = PLAIN[decl.name] ?? 'a';
  switch (decl.kind) {
    case 'integer':
    case 'number':
      return source === 'stored' ? fc.oneof(numberJson, numberText) : numberText;
    case 'boolean':
      return source === 'stored' ? fc.oneof(fc.boolean(), text('true'), numberJson) : text('true');
    case 'pairs':
      if (source === 'stored') return fc.dictionary(variableName, text('value'), { maxKeys: 3 });
      return source === 'flag' ? pairsText((entries) => entries) : pairsText((entries) => entries.join(','));
    default:
      return text(decl.kind === 'choice' ? decl.choices[0].value : plain);
  }
}

/** Every string in a parsed document, keys included. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (typeof value === 'number') out.push(String(value));
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      strings(v, out);
    }
  return out;
}

/**
 * Characters a YAML stream may not hold as they are: outside YAML 1.2's c-printable set
 * (https://yaml.org/spec/1.2.2/#51-character-set), which the `yaml` package does not enforce but cfn-lint does, and
 * U+0085, U+2028 and U+2029, line breaks to YAML 1.1 (https://yaml.org/spec/1.1/, 5.4 Line Break Characters).
 */
const NOT_YAML_TEXT = /[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]|[\u2028\u2029]/u;

/** The files that are data (YAML, JSON), parsed; throws on the first that does not parse. */
function parsedOutput(settings: Settings, version: '1.1' | '1.2'): Map<string, string[]> {
  const parsed = new Map<string, string[]>();
  for (const [file, { contents }] of renderOutput(FILES, settings, '0.0.0')) {
    if (/\.ya?ml$/.test(file)) {
      const bad = NOT_YAML_TEXT.exec(contents);
      if (bad) throw new Error(`${file} holds U+${bad[0].codePointAt(0)!.toString(16).toUpperCase()} unescaped`);
      const doc = parseDocument(contents, { customTags: CFN_TAGS, uniqueKeys: true, version });
      if (doc.errors.length > 0) throw new Error(`${file} (YAML ${version}): ${doc.errors[0].message}`);
      parsed.set(file, strings(doc.toJS({ maxAliasCount: -1 })));
    } else if (file.endsWith('.json')) parsed.set(file, strings(JSON.parse(contents)));
  }
  return parsed;
}

/** The texts a resolved value must appear as, unchanged, in some parsed file (booleans and choices shape the files instead). */
function expectedTexts(decl: SettingDeclaration, value: unknown): string[] {
  if (decl.kind === 'pairs') return Object.entries(value as Record<string, string>).flat();
  if (decl.kind === 'text' && value !== '') return [value as string];
  if (decl.kind === 'integer' || decl.kind === 'number') return [String(value)];
  return [];
}

describe.each(SETTINGS.map((decl) => [decl.name, decl] as const))('%s', (name, decl) => {
  it('a hostile value is refused with a clear message, or renders parseable files that carry it unchanged', () => {
    const others = applying(decl);
    const sources = fc.constantFrom('flag' as const, 'stored' as const, 'prompt' as const);
    const sample = sources.chain((source) => hostile(decl, source).map((value) => ({ source, value })));
    fc.assert(
      fc.property(sample, ({ source, value }) => {
        const given: Required<Sources> = { flags: { ...others }, stored: {}, answers: {} };
        ({ flag: given.flags, stored: given.stored, prompt: given.answers })[source][name] = value;
        let settings: Settings;
        try {
          settings = resolveSettings(given, CONTEXT);
        } catch (error) {
          if (!(error instanceof SettingsError)) throw error;
          const own = error.problems.find((p) => p.setting === name);
          // A value may make a setting derived from it invalid (its default): then that one is named, as coming from the default.
          const named = own ?? error.problems.find((p) => p.origin === 'default');
          expect(named, error.message).toBeDefined();
          const line = describeProblem(named!);
          expect(line).toMatch(/^\w+ = .+ \((from --[a-z-]+|from \.yo-rc\.json|from the prompt|default)\): \S.{8,}/s);
          if (own) expect(own.origin).toBe({ flag: 'flag', stored: 'stored', prompt: 'prompt' }[source]);
          return;
        }
        const resolved = (settings as unknown as Record<string, unknown>)[name];
        for (const version of ['1.2', '1.1'] as const) {
          const all = [...parsedOutput(settings, version).values()].flat();
          for (const wanted of expectedTexts(decl, resolved))
            expect(
              all.some((s) => s.includes(wanted)),
              `${JSON.stringify(wanted)} is in no YAML ${version} or JSON file unchanged`,
            ).toBe(true);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
