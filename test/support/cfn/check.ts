// The reusable CloudFormation template checker.
//
//   const problems = await checkTemplate(renderedYamlText);   // [] when the template is valid
//
// It parses the YAML with CloudFormation's short-form tags, then checks every resource against AWS's published
// definitions (type, properties and nested types, required properties, primitive types from @aws-cdk/aws-service-spec;
// enums, ranges, patterns and lengths from the CloudFormation registry schemas), parameter defaults against their own
// constraints, and every reference (Ref, GetAtt, ${} in Sub, Condition names, DependsOn) plus dependency cycles.
// There is no exception list: a problem is a problem.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { PropertyType, Resource as SpecResource, TypeDefinition } from '@aws-cdk/service-spec-types';
import { intrinsic, parseTemplate, type Template } from './parse.js';
import { loadSchemas, type RegistrySchema, type Schemas } from './schemas.js';

export { parseTemplate } from './parse.js';

export const PSEUDO_PARAMETERS: ReadonlySet<string> = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

/** Sections of a template and keys of a resource entry (the template anatomy, not resource properties). */
const TEMPLATE_SECTIONS = new Set([
  'AWSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Parameters',
  'Rules',
  'Mappings',
  'Conditions',
  'Transform',
  'Resources',
  'Outputs',
]);
const RESOURCE_KEYS = new Set([
  'Type',
  'Properties',
  'DependsOn',
  'Condition',
  'Metadata',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'CreationPolicy',
  'UpdatePolicy',
]);

/** Checks a CloudFormation YAML template; returns one line per problem, empty when it is valid. */
export async function checkTemplate(text: string): Promise<string[]> {
  let template: Template;
  try {
    template = parseTemplate(text);
  } catch (error) {
    return [`YAML: ${(error as Error).message}`];
  }
  const schemas = await loadSchemas();
  const problems: string[] = [];
  for (const key of Object.keys(template))
    if (!TEMPLATE_SECTIONS.has(key)) problems.push(`unknown template section ${key}`);
  if (!template.Resources || Object.keys(template.Resources).length === 0)
    problems.push('Resources: a template needs at least one resource');
  problems.push(...checkParameters(template));
  for (const [name, resource] of Object.entries(template.Resources ?? {})) {
    problems.push(...checkResource(`Resources.${name}`, resource, schemas));
  }
  problems.push(...checkReferences(template, schemas));
  return problems;
}

// ---------------------------------------------------------------- parameters

function checkParameters(template: Template): string[] {
  const problems: string[] = [];
  for (const [name, p] of Object.entries(template.Parameters ?? {})) {
    const where = `Parameters.${name}`;
    if (typeof p.Type !== 'string') problems.push(`${where}: Type is missing`);
    if (!('Default' in p)) continue;
    const value = p.Default;
    const text = String(value);
    if (Array.isArray(p.AllowedValues) && !p.AllowedValues.map(String).includes(text)) {
      problems.push(`${where}: Default ${JSON.stringify(value)} is not one of AllowedValues`);
    }
    if (typeof p.AllowedPattern === 'string' && !new RegExp(`^(?:${p.AllowedPattern})$`).test(text)) {
      problems.push(`${where}: Default ${JSON.stringify(value)} does not match AllowedPattern ${p.AllowedPattern}`);
    }
    if (p.Type === 'Number') {
      const n = Number(value);
      if (text === '' || Number.isNaN(n)) problems.push(`${where}: Default ${JSON.stringify(value)} is not a number`);
      if (typeof p.MinValue === 'number' && n < p.MinValue)
        problems.push(`${where}: Default ${n} is below MinValue ${p.MinValue}`);
      if (typeof p.MaxValue === 'number' && n > p.MaxValue)
        problems.push(`${where}: Default ${n} is above MaxValue ${p.MaxValue}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------- resources against the schemas

function checkResource(where: string, resource: unknown, schemas: Schemas): string[] {
  if (resource === null || typeof resource !== 'object' || Array.isArray(resource))
    return [`${where}: must be a mapping`];
  const entry = resource as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(entry))
    if (!RESOURCE_KEYS.has(key)) problems.push(`${where}: unknown resource attribute ${key}`);
  if (typeof entry.Type !== 'string') return [...problems, `${where}: Type is missing`];
  const spec = specResource(schemas, entry.Type);
  if (!spec) return [...problems, `${where}: resource type ${entry.Type} does not exist`];
  const properties = entry.Properties ?? {};
  if (intrinsic(properties)) return problems;
  if (typeof properties !== 'object' || Array.isArray(properties))
    return [...problems, `${where}.Properties: must be a mapping`];
  const specProblems = checkObject(
    `${where}.Properties`,
    properties as Record<string, unknown>,
    spec.properties,
    schemas,
  );
  problems.push(...specProblems);
  const registry = schemas.registry.get(entry.Type);
  if (registry) {
    // The registry package lags behind new properties (ECS blue/green, 2025): an extra property counts only if the spec agrees.
    const stale = (p: string) => {
      const extra = /^(.*): must NOT have additional properties \((.+)\)$/.exec(p);
      return extra !== null && !specProblems.includes(`${extra[1]}.${extra[2]}: unknown property`);
    };
    problems.push(
      ...checkConstraints(`${where}.Properties`, properties as Record<string, unknown>, registry).filter(
        (p) => !stale(p),
      ),
    );
  }
  return problems;
}

function specResource(schemas: Schemas, type: string): SpecResource | undefined {
  return schemas.spec.lookup('resource', 'cloudFormationType', 'equals', type)[0];
}

/** Unknown and missing required properties, then each value against its type. */
function checkObject(
  where: string,
  value: Record<string, unknown>,
  properties: TypeDefinition['properties'],
  schemas: Schemas,
): string[] {
  const problems: string[] = [];
  for (const [name, child] of Object.entries(value)) {
    const property = properties[name];
    if (!property) {
      problems.push(`${where}.${name}: unknown property`);
      continue;
    }
    const types = [property.type, ...(property.previousTypes ?? [])];
    const attempts = types.map((type) => checkValue(`${where}.${name}`, child, type, schemas));
    if (!attempts.some((a) => a.length === 0)) problems.push(...attempts[0]);
  }
  for (const [name, property] of Object.entries(properties)) {
    if (property.required && !(name in value)) problems.push(`${where}.${name}: required property is missing`);
  }
  return problems;
}

function checkValue(where: string, value: unknown, type: PropertyType, schemas: Schemas): string[] {
  const call = intrinsic(value);
  if (call) {
    // Either branch of an Fn::If may be used; anything else is only known at deploy time.
    if (call.fn === 'Fn::If' && Array.isArray(call.arg)) {
      return call.arg.slice(1).flatMap((branch) => (isNoValue(branch) ? [] : checkValue(where, branch, type, schemas)));
    }
    return [];
  }
  const bad = (expected: string) => [`${where}: ${JSON.stringify(value)} is not ${expected}`];
  switch (type.type) {
    case 'string':
    case 'date-time':
      if (typeof value !== 'string') return bad('a string');
      return type.type === 'string' && type.allowedValues && !type.allowedValues.includes(value)
        ? bad(`one of ${type.allowedValues.join(', ')}`)
        : [];
    case 'integer':
      return Number.isInteger(value) ? [] : bad('an integer');
    case 'number':
      return typeof value === 'number' ? [] : bad('a number');
    case 'boolean':
      return typeof value === 'boolean' ? [] : bad('a boolean');
    case 'json':
    case 'null':
      return [];
    case 'tag':
      return isMapping(value) && 'Key' in value && 'Value' in value ? [] : bad('a tag { Key, Value }');
    case 'ref': {
      if (!isMapping(value)) return bad('a mapping');
      const definition = schemas.spec.get('typeDefinition', type.reference);
      return checkObject(where, value, definition.properties, schemas);
    }
    case 'array':
      return Array.isArray(value)
        ? value.flatMap((item, i) => checkValue(`${where}[${i}]`, item, type.element, schemas))
        : bad('a list');
    case 'map':
      return isMapping(value)
        ? Object.entries(value).flatMap(([k, v]) => checkValue(`${where}.${k}`, v, type.element, schemas))
        : bad('a mapping');
    case 'union': {
      const attempts = type.types.map((t) => checkValue(where, value, t, schemas));
      return attempts.some((a) => a.length === 0) ? [] : attempts.flat();
    }
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isNoValue(value: unknown): boolean {
  const call = intrinsic(value);
  return call?.fn === 'Ref' && call.arg === 'AWS::NoValue';
}

// ---------------------------------------------------------------- enums, ranges, patterns (registry schemas, with Ajv)

const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
const validators = new Map<string, ValidateFunction>();

function validatorFor(schema: RegistrySchema): ValidateFunction {
  let validate = validators.get(schema.typeName);
  if (!validate) {
    // $schema/$id point at AWS's meta-schema, which Ajv would try to resolve; the rest is plain JSON Schema.
    const { $schema: _meta, $id: _id, ...body } = schema;
    validate = ajv.compile(body);
    validators.set(schema.typeName, validate);
  }
  return validate;
}

/**
 * Intrinsic calls are replaced by a placeholder and errors at or below them are dropped, since their value is only known
 * at deploy time; combinator errors (oneOf, anyOf, ...) above a placeholder are dropped for the same reason.
 */
function checkConstraints(where: string, properties: Record<string, unknown>, schema: RegistrySchema): string[] {
  const placeholders: string[] = [];
  const instance = replaceIntrinsics(properties, '', placeholders);
  const validate = validatorFor(schema);
  if (validate(instance)) return [];
  const combinators = new Set([
    'oneOf',
    'anyOf',
    'allOf',
    'not',
    'if',
    'then',
    'else',
    'dependencies',
    'dependentRequired',
  ]);
  const problems = (validate.errors ?? []).filter((error: ErrorObject) => {
    const path = error.instancePath;
    if (placeholders.some((p) => path === p || path.startsWith(`${p}/`))) return false;
    if (combinators.has(error.keyword) && placeholders.some((p) => p.startsWith(`${path}/`))) return false;
    return true;
  });
  const readOnly = (schema.readOnlyProperties ?? [])
    .map((pointer) => pointer.replace(/^\/properties\//, ''))
    .filter((name) => !name.includes('/') && name in properties);
  return [
    ...problems.map((e) => `${where}${e.instancePath.replaceAll('/', '.')}: ${e.message}${describeParams(e)}`),
    ...readOnly.map((name) => `${where}.${name}: read-only property (an attribute, not an input)`),
  ];
}

function describeParams(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'enum') return ` (${(params.allowedValues as unknown[]).join(', ')})`;
  if (error.keyword === 'additionalProperties') return ` (${String(params.additionalProperty)})`;
  return '';
}

function replaceIntrinsics(value: unknown, pointer: string, placeholders: string[]): unknown {
  if (intrinsic(value)) {
    placeholders.push(pointer);
    // One symbol per call, so two different references never count as duplicate items.
    return Symbol(pointer);
  }
  if (Array.isArray(value)) return value.map((item, i) => replaceIntrinsics(item, `${pointer}/${i}`, placeholders));
  if (isMapping(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, replaceIntrinsics(v, `${pointer}/${escapePointer(k)}`, placeholders)]),
    );
  }
  return value;
}

function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

// ---------------------------------------------------------------- references and dependency cycles

interface Walk {
  where: string;
  problems: string[];
  /** Resources the walked value depends on. */
  dependsOn: Set<string>;
  /** Conditions known to hold here: the resource's or output's own, and those of the Fn::If branches around. */
  active: ReadonlySet<string>;
}

function checkReferences(template: Template, schemas: Schemas): string[] {
  const resources = template.Resources ?? {};
  const parameters = new Set(Object.keys(template.Parameters ?? {}));
  const conditions = new Set(Object.keys(template.Conditions ?? {}));
  const problems: string[] = [];
  const edges = new Map<string, Set<string>>();
  const usedParameters = new Set<string>();

  const walk = (value: unknown, w: Walk, locals: ReadonlySet<string> = new Set()): void => {
    const call = intrinsic(value);
    if (!call) {
      if (Array.isArray(value)) value.forEach((item) => walk(item, w, locals));
      else if (isMapping(value)) Object.values(value).forEach((item) => walk(item, w, locals));
      return;
    }
    const { fn, arg } = call;
    if (fn === 'Ref') return resolveName(String(arg), w, locals);
    if (fn === 'Condition') {
      if (!conditions.has(String(arg))) w.problems.push(`${w.where}: condition ${String(arg)} does not exist`);
      return;
    }
    if (fn === 'Fn::GetAtt') return resolveGetAtt(arg, w);
    if (fn === 'Fn::If' && Array.isArray(arg)) {
      if (!conditions.has(String(arg[0])))
        w.problems.push(`${w.where}: condition ${String(arg[0])} (Fn::If) does not exist`);
      walk(arg[1], { ...w, active: new Set([...w.active, String(arg[0])]) }, locals);
      walk(arg[2], w, locals);
      return;
    }
    if (fn === 'Fn::Sub') {
      const [text, variables] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, undefined];
      if (typeof text !== 'string') return void w.problems.push(`${w.where}: Fn::Sub needs a string`);
      const names = new Set([...locals, ...Object.keys(isMapping(variables) ? variables : {})]);
      if (variables !== undefined) walk(variables, w, locals);
      for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
        const name = match[1].trim();
        if (name.startsWith('!')) continue; // ${!Literal} is written out as ${Literal}
        if (names.has(name) || !name.includes('.') || PSEUDO_PARAMETERS.has(name)) resolveName(name, w, names);
        else resolveGetAtt(name.split(/\.(.*)/s).slice(0, 2), w);
      }
      return;
    }
    walk(arg, w, locals);
  };

  const resolveName = (name: string, w: Walk, locals: ReadonlySet<string>) => {
    if (parameters.has(name) && !locals.has(name)) usedParameters.add(name);
    if (locals.has(name) || parameters.has(name) || PSEUDO_PARAMETERS.has(name)) return;
    if (name in resources) dependOn(name, w);
    else w.problems.push(`${w.where}: ${name} is neither a parameter, a resource nor a pseudo parameter`);
  };

  // CloudFormation refuses a reference to a conditional resource from a place where its condition may not hold.
  const dependOn = (name: string, w: Walk) => {
    w.dependsOn.add(name);
    const condition = resources[name].Condition;
    if (condition !== undefined && !w.active.has(condition)) {
      w.problems.push(
        `${w.where}: ${name} exists only when ${condition} holds; refer to it inside Fn::If [${condition}, ...] or under the same Condition`,
      );
    }
  };

  const resolveGetAtt = (arg: unknown, w: Walk) => {
    if (!Array.isArray(arg) || arg.length !== 2)
      return void w.problems.push(`${w.where}: Fn::GetAtt needs [resource, attribute]`);
    const [name, attribute] = arg as [unknown, unknown];
    const resource = typeof name === 'string' ? resources[name] : undefined;
    if (!resource) return void w.problems.push(`${w.where}: GetAtt resource ${String(name)} does not exist`);
    dependOn(name as string, w);
    if (intrinsic(attribute)) return walk(attribute, w);
    const spec = specResource(schemas, resource.Type);
    if (spec && !(String(attribute) in spec.attributes)) {
      w.problems.push(`${w.where}: ${resource.Type} has no attribute ${String(attribute)} (GetAtt ${String(name)})`);
    }
  };

  for (const [name, body] of Object.entries(template.Conditions ?? {})) {
    walk(body, { where: `Conditions.${name}`, problems, dependsOn: new Set(), active: new Set() });
  }
  walk(template.Rules, { where: 'Rules', problems, dependsOn: new Set(), active: new Set() });
  for (const [name, resource] of Object.entries(resources)) {
    const own = resource.Condition === undefined ? [] : [resource.Condition];
    const w: Walk = { where: `Resources.${name}`, problems, dependsOn: new Set(), active: new Set(own) };
    if (resource.Condition !== undefined && !conditions.has(resource.Condition))
      problems.push(`${w.where}: condition ${resource.Condition} does not exist`);
    walk(resource.Properties, w);
    walk(resource.Metadata, w);
    const dependsOn = resource.DependsOn === undefined ? [] : [resource.DependsOn].flat();
    for (const target of dependsOn) {
      if (target in resources) dependOn(target, w);
      else problems.push(`${w.where}: DependsOn ${String(target)} is not a resource`);
    }
    edges.set(name, w.dependsOn);
  }
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    const condition = output.Condition as string | undefined;
    const own = condition === undefined ? [] : [condition];
    const w: Walk = { where: `Outputs.${name}`, problems, dependsOn: new Set(), active: new Set(own) };
    if (!('Value' in output)) problems.push(`${w.where}: Value is missing`);
    if (condition !== undefined && !conditions.has(condition))
      problems.push(`${w.where}: condition ${condition} does not exist`);
    walk(output, w);
  }
  for (const name of parameters) if (!usedParameters.has(name)) problems.push(`Parameters.${name}: never used`);
  problems.push(...findCycles(edges));
  return problems;
}

/** Every dependency cycle among resources, once each. */
function findCycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const state = new Map<string, 'visiting' | 'done'>();
  const cycles: string[] = [];
  const visit = (node: string, stack: string[]) => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'visiting') {
      cycles.push(`circular dependency: ${[...stack.slice(stack.indexOf(node)), node].join(' -> ')}`);
      return;
    }
    state.set(node, 'visiting');
    for (const next of edges.get(node) ?? []) visit(next, [...stack, node]);
    state.set(node, 'done');
  };
  for (const node of edges.keys()) visit(node, []);
  return cycles;
}
