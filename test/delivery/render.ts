// Generates a project and hands back its delivery files parsed, with the settings and derived values that made them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generate, ROOT } from '../support/generate.js';
import { parseTemplate, parseYaml, type Resource, type Template } from '../support/cfn/parse.js';

export interface Rendered {
  dir: string;
  settings: Record<string, unknown>;
  derived: Record<string, unknown>;
  text: Record<'service' | 'pipeline' | 'buildspec' | 'readme', string>;
  service: Template;
  pipeline: Template;
  buildspec: Buildspec;
}

export interface Buildspec {
  version: number;
  env: { shell?: string; variables: Record<string, string> };
  phases: Record<string, { 'runtime-versions'?: Record<string, unknown>; 'on-failure'?: string; commands: string[] }>;
  artifacts: { files: string[] };
  cache?: { paths: string[] };
}

/** Settings worth rendering: the defaults and variations that change the delivery files. */
export const SCENARIOS: Record<string, Record<string, unknown>> = {
  defaults: {},
  'custom health check and port': {
    port: '8080',
    'health-check-path': '/healthz',
    'health-check-interval': '10',
    'health-check-timeout': '3',
    'healthy-threshold': '2',
    'unhealthy-threshold': '5',
    'deregistration-delay': '5',
    'health-check-grace-period': '0',
  },
  'codecommit with manual approval': { source: 'codecommit', repository: 'shop-api', 'manual-approval': true },
  'existing connection, existing cluster': {
    repository: 'acme/shop-api',
    branch: 'release/2026',
    region: 'eu-west-1',
    'existing-cluster': true,
    'connection-arn': 'arn:aws:codeconnections:eu-west-1:123456789012:connection/0f8fad5b-d9cb-469f-a165-70867728950e',
  },
  'one task, min 0 max 100, bigger task, Node 22': {
    'desired-count': '1',
    'min-healthy-percent': '0',
    'max-percent': '100',
    cpu: '1024',
    memory: '4096',
    'node-version': '22',
    'app-name': 'orders',
    cluster: 'shared_cluster',
    service: 'orders-svc',
    'container-name': 'web',
    'ecr-repository': 'team/orders',
  },
};

export async function render(options: Record<string, unknown>): Promise<Rendered> {
  const result = await generate(options);
  const dir = result.cwd;
  const read = (file: string) => readFileSync(path.join(dir, file), 'utf8');
  const settings = Object.values(JSON.parse(read('.yo-rc.json')) as Record<string, Record<string, unknown>>)[0];
  const { derive } = (await import(path.join(ROOT, 'dist', 'generators', 'app', 'core', 'render', 'derive.js'))) as {
    derive: (s: unknown) => Record<string, unknown>;
  };
  const text = {
    service: read('infra/service.yml'),
    pipeline: read('infra/pipeline.yml'),
    buildspec: read('buildspec.yml'),
    readme: read('README.md'),
  };
  return {
    dir,
    settings,
    derived: derive(settings),
    text,
    service: parseTemplate(text.service),
    pipeline: parseTemplate(text.pipeline),
    buildspec: parseYaml(text.buildspec) as Buildspec,
  };
}

/** The only resource of a type (fails when there are several, so a test never checks the wrong one). */
export function only(template: Template, type: string): Resource & { Properties: Record<string, any> } {
  const found = Object.values(template.Resources ?? {}).filter((r) => r.Type === type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0] as Resource & { Properties: Record<string, any> };
}

/** Logical id of a resource object of the template. */
export function idOf(template: Template, resource: Resource): string {
  const entry = Object.entries(template.Resources ?? {}).find(([, r]) => r === resource);
  if (!entry) throw new Error('not a resource of this template');
  return entry[0];
}

/** A resource as CloudFormation applies it with the template's defaults: each Ref to a parameter with a default is that
 * default (null for a resource the template lacks). */
export function applied(template: Template, id: string): unknown {
  const parameters = template.Parameters ?? {};
  return JSON.parse(JSON.stringify(template.Resources?.[id] ?? null), (_key, value) =>
    value && typeof value === 'object' && typeof value.Ref === 'string' && 'Default' in (parameters[value.Ref] ?? {})
      ? { Default: String(parameters[value.Ref].Default) }
      : value,
  );
}
