// CloudFormation YAML: the short-form tags become the long-form JSON objects ({ Ref }, { 'Fn::GetAtt': [...] }, ...),
// so every later check sees one form only.
import { parseDocument, type Tags } from 'yaml';

/** Short-form tag name -> long-form key. */
const FUNCTIONS: Record<string, string> = {
  Ref: 'Ref',
  Condition: 'Condition',
  Sub: 'Fn::Sub',
  GetAtt: 'Fn::GetAtt',
  If: 'Fn::If',
  Equals: 'Fn::Equals',
  Not: 'Fn::Not',
  And: 'Fn::And',
  Or: 'Fn::Or',
  Select: 'Fn::Select',
  Join: 'Fn::Join',
  Split: 'Fn::Split',
  FindInMap: 'Fn::FindInMap',
  ImportValue: 'Fn::ImportValue',
  GetAZs: 'Fn::GetAZs',
  Base64: 'Fn::Base64',
  Cidr: 'Fn::Cidr',
  Length: 'Fn::Length',
  ToJsonString: 'Fn::ToJsonString',
};

/** Every long-form intrinsic key: an object with exactly one of these keys is a function call, not data. */
export const INTRINSIC_KEYS: ReadonlySet<string> = new Set(Object.values(FUNCTIONS));

function longForm(name: string, value: unknown): Record<string, unknown> {
  // !GetAtt Resource.Attribute is the scalar form of ['Resource', 'Attribute'] (the attribute may itself contain dots).
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [FUNCTIONS[name]]: value };
}

export const CFN_TAGS: Tags = Object.keys(FUNCTIONS).flatMap((name) => [
  { tag: `!${name}`, resolve: (value: string) => longForm(name, value) },
  {
    tag: `!${name}`,
    collection: 'seq' as const,
    resolve: (seq: { toJSON(): unknown }) => longForm(name, seq.toJSON()),
  },
  {
    tag: `!${name}`,
    collection: 'map' as const,
    resolve: (map: { toJSON(): unknown }) => longForm(name, map.toJSON()),
  },
]);

export type Template = Record<string, unknown> & {
  Parameters?: Record<string, Record<string, unknown>>;
  Conditions?: Record<string, unknown>;
  Resources?: Record<string, Resource>;
  Outputs?: Record<string, Record<string, unknown>>;
};

export interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
  [key: string]: unknown;
}

/** Parses a CloudFormation YAML template; throws with every YAML error (duplicate keys included). */
export function parseTemplate(text: string): Template {
  const doc = parseDocument(text, { customTags: CFN_TAGS, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('\n'));
  const value = doc.toJS({ maxAliasCount: -1 }) as unknown;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('a template is a mapping');
  return value as Template;
}

/** Parses a plain YAML document (a buildspec): duplicate keys and syntax errors throw. */
export function parseYaml(text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('\n'));
  return doc.toJS();
}

/** The function name and argument of an intrinsic call, or undefined when the value is data. */
export function intrinsic(value: unknown): { fn: string; arg: unknown } | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1 || !INTRINSIC_KEYS.has(keys[0])) return undefined;
  const arg = (value as Record<string, unknown>)[keys[0]];
  // A mapping whose only key is a property named Condition (an IAM statement fragment) holds an object, not a name.
  if (keys[0] === 'Condition' && typeof arg !== 'string') return undefined;
  return { fn: keys[0], arg };
}
