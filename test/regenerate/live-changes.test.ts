// Changes CloudFormation cannot apply safely to a live service (a replaced target group, or one of two between which
// traffic moves) warn before the run writes.
// The pure function (live-changes.ts) decides from the settings; these tests check it against the rendered templates
// and AWS's own registry schemas: a setting warns exactly when its change replaces a target group (a createOnly
// property), rewrites a forward action ECS or CodeDeploy moves, or changes a CodeDeploy service.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FILES } from '../../generators/app/core/render/files.js';
import { liveChangeWarnings } from '../../generators/app/core/write/live-changes.js';
import { VERSION } from '../../generators/app/core/render/paths.js';
import { renderOutput } from '../../generators/app/core/render/render.js';
import { resolveSettings } from '../../generators/app/core/settings/resolve.js';
import { Run } from '../../generators/app/core/run/run.js';
import { STRATEGY_NAMES, traitsOf } from '../../generators/app/core/settings/strategies.js';
import type { Settings } from '../../generators/app/core/settings/declaration.js';
import { applied } from '../delivery/render.js';
import { parseTemplate, type Template } from '../support/cfn/parse.js';
import { loadSchemas } from '../support/cfn/schemas.js';
import { runCore, tempDir } from '../support/generate.js';
import { snapshot } from './support.js';

const CONTEXT = { folderName: 'shop', gitRemote: '' };
const CERTIFICATE = (id: string) => `arn:aws:acm:us-east-1:123456789012:certificate/${id}-d9cb-469f-a165-70867728950e`;
const resolved = new Map<string, Settings>();
/** The settings these flags resolve to (the same object for the same flags). */
const settingsOf = (flags: Record<string, unknown>): Settings => {
  const key = JSON.stringify(flags);
  if (!resolved.has(key))
    resolved.set(key, resolveSettings({ flags: { appName: 'shop', ...flags }, stored: {} }, CONTEXT));
  return resolved.get(key)!;
};
const rendered = new Map<Settings, Template>();
/** infra/service.yml for these settings, parsed (once per settings object). */
const serviceTemplate = (s: Settings): Template => {
  if (!rendered.has(s))
    rendered.set(s, parseTemplate(renderOutput(FILES, s, VERSION).get('infra/service.yml')!.contents));
  return rendered.get(s)!;
};

// Each variation: the settings before, and the flags changed by the regeneration.
const VARIATIONS: [string, Record<string, unknown>, Record<string, unknown>][] = [
  ['port', {}, { port: '8080' }],
  ['network default -> new', {}, { network: 'new' }],
  ['private subnets', { network: 'new' }, { privateSubnets: 'true' }],
  ['a domain', {}, { domain: 'api.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' }],
  [
    'another certificate',
    { domain: 'api.example.com', certificateArn: CERTIFICATE('0f8fad5b') },
    { certificateArn: CERTIFICATE('1e8fad5b') },
  ],
  [
    'another hosted zone for the created certificate',
    { domain: 'api.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
    { hostedZoneId: 'Z9876543210ABCDEFGHIJ' },
  ],
  ['desired count', {}, { desiredCount: '4' }],
  ['autoscaling', {}, { autoscaling: 'requests' }],
  ['min healthy percent', {}, { minHealthyPercent: '50' }],
  ['grace period', {}, { healthCheckGracePeriod: '60' }],
  ['container name', {}, { containerName: 'web' }],
  ['health check path', {}, { healthCheckPath: '/healthz' }],
  ['deregistration delay', {}, { deregistrationDelay: '10' }],
  ['cpu and memory', {}, { cpu: '512', memory: '1024' }],
  ['environment', {}, { environment: ['LOG_LEVEL=debug'] }],
  ['rollback alarms', {}, { rollbackAlarms: 'false' }],
  ['nothing changed', {}, {}],
];

// A strategy change, from each strategy to each other one.
const SWITCHES = STRATEGY_NAMES.flatMap((from) =>
  STRATEGY_NAMES.filter((to) => to !== from).map((to) => [from, to] as const),
);

describe('live-change warnings match what CloudFormation would do to the rendered stack', () => {
  let createOnly: Map<string, string[]>;
  beforeAll(async () => {
    const { registry } = await loadSchemas();
    createOnly = new Map(
      [...registry].map(([type, schema]) => [
        type,
        ((schema.createOnlyProperties as string[] | undefined) ?? []).map((p) => p.replace('/properties/', '')),
      ]),
    );
    // AWS's list, not ours: the target group's port and VPC are among them.
    expect(createOnly.get('AWS::ElasticLoadBalancingV2::TargetGroup')).toEqual(
      expect.arrayContaining(['Port', 'VpcId', 'Protocol', 'TargetType', 'Name']),
    );
  });

  /** Logical ids a resource refers to (Ref, Fn::GetAtt). */
  const references = (resource: unknown): string[] =>
    [...JSON.stringify(resource ?? null).matchAll(/"(?:Ref|Fn::GetAtt)":\[?"([A-Za-z0-9]+)/g)].map((m) => m[1]);

  /** What the update would do that a live two-target-group service cannot take, read from the two templates. */
  function hazards(strategy: string, before: Template, after: Template): string[] {
    const traits = traitsOf(strategy);
    const props = (t: Template, id: string) =>
      (applied(t, id) as { Properties?: Record<string, unknown> } | null)?.Properties ?? {};
    // Replaced: a createOnly property (AWS's registry schema) changes.
    const replaced = Object.entries(before.Resources ?? {})
      .filter(([id, r]) => after.Resources?.[id]?.Type === r.Type)
      .filter(([id, r]) =>
        (createOnly.get(r.Type) ?? []).some(
          (p) => JSON.stringify(props(before, id)[p]) !== JSON.stringify(props(after, id)[p]),
        ),
      )
      .map(([id]) => id);
    // Updated: its properties change, or a resource it refers to is replaced (a new ARN).
    const updated = (id: string) =>
      JSON.stringify(applied(before, id)) !== JSON.stringify(applied(after, id)) ||
      references(after.Resources?.[id]).some((ref) => replaced.includes(ref));
    const found = replaced.filter((id) => id.endsWith('TargetGroup') || id === 'Service').map((id) => `${id} replaced`);
    // Rolling: the one target group, replaced, is what the listener forwards to; nothing else moves traffic.
    if (!traits.shiftsTraffic) return found;
    // ECS moves the rules' weights; CodeDeploy moves the listeners' forward action and owns the service.
    const moved = traits.ecsListenerRules
      ? ['ProductionListenerRule', 'TestListenerRule']
      : ['Listener', 'TestListener', 'Service'];
    for (const id of moved) if (updated(id)) found.push(`${id} updated`);
    return found;
  }

  describe.each(STRATEGY_NAMES)('%s', (strategy) => {
    it.each(VARIATIONS)('%s', (_name, before, changes) => {
      const previous = settingsOf({ strategy, ...before });
      const next = settingsOf({ strategy, ...before, ...changes });
      const found = hazards(strategy, serviceTemplate(previous), serviceTemplate(next));
      const warnings = liveChangeWarnings(previous, next);
      expect(warnings.length > 0, `template: ${found.join(', ') || 'nothing unsafe'}`).toBe(found.length > 0);
      // Each warning names a setting the regeneration changed.
      for (const w of warnings) for (const c of w.changes) expect(Object.keys(changes)).toContain(c.setting);
    });
  });

  it.each(SWITCHES)('strategy %s -> %s', (from, to) => {
    const previous = settingsOf({ strategy: from });
    const next = settingsOf({ strategy: to });
    const found = hazards(from, serviceTemplate(previous), serviceTemplate(next));
    const warnings = liveChangeWarnings(previous, next);
    // The service itself replaced (a new deployment controller) is what a fixed ServiceName cannot take.
    expect(warnings.some((w) => w.changes.some((c) => c.setting === 'strategy'))).toBe(
      found.includes('Service replaced'),
    );
  });

  it('the variations reach every kind of hazard, so the comparison above can fail', () => {
    const kinds = new Set(
      STRATEGY_NAMES.flatMap((strategy) =>
        VARIATIONS.flatMap(([, before, changes]) =>
          hazards(
            strategy,
            serviceTemplate(settingsOf({ strategy, ...before })),
            serviceTemplate(settingsOf({ strategy, ...before, ...changes })),
          ).map((h) => h.replace(/^\w+ /, '')),
        ),
      ),
    );
    expect([...kinds].sort()).toEqual(['replaced', 'updated']);
    // And a mutated rendering is seen: a rule whose weights the template would write again.
    const s = settingsOf({ strategy: 'blue-green' });
    const mutated = structuredClone(serviceTemplate(s));
    (mutated.Resources!.ProductionListenerRule.Properties as { Priority: number }).Priority = 2;
    expect(hazards('blue-green', serviceTemplate(s), mutated)).toEqual(['ProductionListenerRule updated']);
  });
});

describe('the warning of a target group port change', () => {
  it('rolling: the one target group is replaced under the listener: named with its 503s and the procedure', () => {
    const [warning, ...others] = liveChangeWarnings(settingsOf({}), settingsOf({ port: '8080' }));
    expect(others).toEqual([]);
    expect(warning.changes).toEqual([{ setting: 'port', from: 3000, to: 8080 }]);
    expect(warning.consequence).toMatch(/replaces the target group.*points the listener at the new, empty one.*503/);
    expect(warning.procedure).toMatch(/maintenance window, delete the service stack/);
  });

  it.each(['blue-green', 'canary', 'linear', 'codedeploy'])(
    '%s: names the setting, what would happen and the safe procedure',
    (strategy) => {
      const [warning] = liveChangeWarnings(settingsOf({ strategy }), settingsOf({ strategy, port: '8080' }));
      expect(warning.changes).toContainEqual({ setting: 'port', from: 3000, to: 8080 });
      expect(warning.consequence).toMatch(/replaces both target groups.*503/);
      expect(warning.procedure).toMatch(/maintenance window, delete the service stack/);
    },
  );

  it('a first run has no previous settings and no warning', () => {
    expect(liveChangeWarnings(undefined, settingsOf({ strategy: 'canary' }))).toEqual([]);
  });
});

describe('a regeneration prints the warning before it writes', () => {
  const regenerate = (dir: string, flags: Record<string, unknown>, dryRun = false) => {
    const seen: { line: string; serviceOnDisk: string }[] = [];
    const run = new Run({
      destination: dir,
      flags,
      yes: true,
      skipInstall: true,
      dryRun,
      command: 'create-bluegreen-ecs',
      log: (line) => seen.push({ line, serviceOnDisk: readFileSync(path.join(dir, 'infra', 'service.yml'), 'utf8') }),
    });
    run.decide();
    run.write();
    run.finish();
    return seen;
  };

  it.each(['blue-green', 'canary', 'linear', 'codedeploy'])(
    '%s: --dry-run warns and writes nothing',
    async (strategy) => {
      const dir = tempDir('bluegreen-live-');
      expect((await runCore(dir, { strategy })).status).toBe(0);
      const before = snapshot(dir);
      const seen = regenerate(dir, { port: '8080' }, true);
      expect(seen.map((s) => s.line).join('\n')).toMatch(
        new RegExp(
          `Warning: port 3000 -> 8080, once the ${strategy} service stack is deployed: CloudFormation replaces both target groups`,
        ),
      );
      expect(snapshot(dir)).toEqual(before);
    },
  );

  it('a real run warns while the old files are still on disk, then writes', async () => {
    const dir = tempDir('bluegreen-live-');
    expect((await runCore(dir, { strategy: 'canary' })).status).toBe(0);
    const seen = regenerate(dir, { port: '8080' });
    const warning = seen.find((s) => s.line.startsWith('Warning: port'));
    expect(warning?.serviceOnDisk).toContain('ContainerPort: 3000');
    expect(readFileSync(path.join(dir, 'infra', 'service.yml'), 'utf8')).toContain('ContainerPort: 8080');
  });

  it('a change that touches no target group prints no warning, rolling or canary', async () => {
    const rolling = tempDir('bluegreen-live-');
    expect((await runCore(rolling, {})).status).toBe(0);
    expect(
      regenerate(rolling, { desiredCount: '4', healthCheckPath: '/healthz' }).map((s) => s.line),
    ).not.toContainEqual(expect.stringMatching(/^Warning/));
    const canary = tempDir('bluegreen-live-');
    expect((await runCore(canary, { strategy: 'canary' })).status).toBe(0);
    expect(regenerate(canary, { desiredCount: '4' }).map((s) => s.line)).not.toContainEqual(
      expect.stringMatching(/^Warning/),
    );
  });
});
