// The pipeline stack's deployment role (CloudFormation's service role for the service stack) may do everything
// creating, updating and deleting the service stack's resources needs, for every strategy and every optional part:
// the handler permissions AWS publishes in the registry schemas (create, read, update, delete), plus what each service
// documents it calls with the caller's permissions, or needs for the types without registry handlers
// (test/support/cfn/documented-permissions.ts, one source per row).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { DOCUMENTED_PERMISSIONS, documentedFor } from '../support/cfn/documented-permissions.js';
import { allowedActions, withoutAction } from '../support/cfn/iam.js';
import type { Template } from '../support/cfn/parse.js';
import { loadSchemas, type RegistrySchema } from '../support/cfn/schemas.js';
import { ROOT } from '../support/generate.js';
import { render, type Rendered } from './render.js';

/** Handler permissions for features the service stack does not use, each with why it is not granted. */
const NOT_NEEDED: Record<string, string> = {
  'kms:DescribeKey': 'no customer-managed KMS key (cluster, log group)',
  'ecs:PutAccountSetting': "account-wide ECS settings are not the stack's to change",
  'ecs:PutAccountSettingDefault': "account-wide ECS settings are not the stack's to change",
  'logs:GetDataProtectionPolicy': 'no log data protection policy',
  'logs:PutDataProtectionPolicy': 'no log data protection policy',
  'logs:DeleteDataProtectionPolicy': 'no log data protection policy',
  'logs:CreateLogDelivery': 'no log delivery',
  'logs:PutResourcePolicy': 'no log resource policy',
  'logs:DescribeResourcePolicies': 'no log resource policy',
  'logs:AssociateKmsKey': 'no customer-managed KMS key',
  'logs:DisassociateKmsKey': 'no customer-managed KMS key',
  's3:REST.PUT.OBJECT': 'no log delivery to S3 (and not an IAM action)',
  'firehose:TagDeliveryStream': 'no log delivery to Firehose',
  'cognito-idp:DescribeUserPoolClient': 'no Cognito authentication action on the listeners',
  'iam:AttachRolePolicy': 'the roles have inline policies only',
  'iam:DetachRolePolicy': 'the roles have inline policies only',
  'iam:PutRolePermissionsBoundary': 'no permissions boundary',
  'iam:DeleteRolePermissionsBoundary': 'no permissions boundary',
  'elasticloadbalancing:SetIpAddressType': 'the load balancer keeps its default IP address type',
  'application-autoscaling:PutScheduledAction': 'no scheduled scaling actions',
  'application-autoscaling:DeleteScheduledAction': 'no scheduled scaling actions',
  'lambda:GetProvisionedConcurrencyConfig': 'the scalable target is an ECS service, not a Lambda function',
  'lambda:PutProvisionedConcurrencyConfig': 'the scalable target is an ECS service, not a Lambda function',
  'lambda:DeleteProvisionedConcurrencyConfig': 'the scalable target is an ECS service, not a Lambda function',
};

const VARIANTS = [
  { strategy: 'rolling', 'rollback-alarms': true },
  { strategy: 'rolling', 'existing-cluster': true },
  {
    strategy: 'blue-green',
    'rollback-alarms': true,
    'validation-hook': 'arn:aws:lambda:us-east-1:123456789012:function:check',
  },
  { strategy: 'canary' },
  { strategy: 'linear' },
  {
    strategy: 'codedeploy',
    'rollback-alarms': true,
    'validation-hook': 'arn:aws:lambda:us-east-1:123456789012:function:check',
  },
  // The production edge: autoscaling without the rollback alarms' CloudWatch grant, HTTPS, a network of its own.
  {
    strategy: 'rolling',
    'rollback-alarms': false,
    autoscaling: 'requests',
    network: 'new',
    'private-subnets': true,
    domain: 'api.example.com',
    'hosted-zone-id': 'Z0123456789ABCDEFGHIJ',
  },
  {
    strategy: 'blue-green',
    autoscaling: 'cpu',
    domain: 'api.example.com',
    'certificate-arn': 'arn:aws:acm:us-east-1:123456789012:certificate/0f8fad5b-d9cb-469f-a165-70867728950e',
  },
  // Several environments: one deployment role for every environment's stack.
  { strategy: 'codedeploy', 'rollback-alarms': true, environments: 'staging,production' },
  { strategy: 'canary', autoscaling: 'cpu', environments: 'dev,staging,production' },
];

type Registry = ReadonlyMap<string, RegistrySchema>;

/** What the role lacks for the service stack: "<type> <handler or source>: <permission>" for each missing permission. */
function missingPermissions(registry: Registry, service: Template, pipeline: Template): string[] {
  const allowed = allowedActions(pipeline, 'DeploymentRole');
  const missing = new Set<string>();
  for (const type of new Set(Object.values(service.Resources ?? {}).map((resource) => resource.Type))) {
    const handlers = (registry.get(type) as { handlers?: Record<string, { permissions?: string[] }> } | undefined)
      ?.handlers;
    for (const handler of ['create', 'read', 'update', 'delete']) {
      for (const permission of handlers?.[handler]?.permissions ?? []) {
        if (!allowed.has(permission) && !(permission in NOT_NEEDED)) missing.add(`${type} ${handler}: ${permission}`);
      }
    }
    for (const [permission, rows] of documentedFor(type)) {
      if (!allowed.has(permission)) missing.add(`${type} ${rows.map((row) => row.source).join(' ')}: ${permission}`);
    }
  }
  return [...missing];
}

/** Every resource type infra/service.yml and the partials it includes can declare, whatever the settings. */
function typesTheTemplatesDeclare(): Set<string> {
  const infra = path.join(ROOT, 'templates', 'infra');
  const service = readFileSync(path.join(infra, 'service.yml'), 'utf8');
  const partials = [...service.matchAll(/include\('(_partials\/[^']+)'/g)].map((m) => m[1]);
  const text = [service, ...partials.map((p) => readFileSync(path.join(infra, p), 'utf8'))].join('\n');
  return new Set([...text.matchAll(/^\s*Type: (AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)\s*$/gm)].map((m) => m[1]));
}

describe('deployment role', () => {
  let registry: Registry;
  let rendered: Rendered[];
  beforeAll(async () => {
    registry = (await loadSchemas()).registry;
    rendered = [];
    // One after the other: a generation runs in its own working directory.
    for (const options of VARIANTS) rendered.push(await render(options));
  });

  test('the variants together hold every resource type the service stack templates declare', () => {
    const held = new Set(rendered.flatMap((r) => Object.values(r.service.Resources!).map((resource) => resource.Type)));
    expect([...typesTheTemplatesDeclare()].filter((type) => !held.has(type))).toEqual([]);
  });

  test.each(VARIANTS.map((options, i) => [JSON.stringify(options), i] as const))(
    'allows the handler and documented permissions of every resource type (%s)',
    (_name, i) => {
      expect(missingPermissions(registry, rendered[i].service, rendered[i].pipeline)).toEqual([]);
    },
  );

  test('control: dropping any documented permission from the rendered role fails the check', () => {
    let checked = 0;
    for (const row of DOCUMENTED_PERMISSIONS) {
      const r = rendered.find((candidate) =>
        Object.values(candidate.service.Resources!).some((resource) => resource.Type === row.type),
      )!;
      for (const permission of row.permissions) {
        const missing = missingPermissions(
          registry,
          r.service,
          withoutAction(r.pipeline, 'DeploymentRole', permission),
        );
        expect(missing).toContainEqual(expect.stringContaining(`: ${permission}`));
        checked += 1;
      }
    }
    expect(checked).toBe(DOCUMENTED_PERMISSIONS.reduce((n, row) => n + row.permissions.length, 0));
  });

  test('control: dropping a registry handler permission fails the check', () => {
    const missing = missingPermissions(
      registry,
      rendered[0].service,
      withoutAction(rendered[0].pipeline, 'DeploymentRole', 'ec2:DescribeInstances'),
    );
    expect(missing).toEqual(['AWS::EC2::SecurityGroup delete: ec2:DescribeInstances']);
  });

  test('the table names only real resource types, with an AWS documentation URL per row, and nothing it excuses', () => {
    for (const row of DOCUMENTED_PERMISSIONS) {
      expect(row.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
      expect(typesTheTemplatesDeclare()).toContain(row.type);
      for (const permission of row.permissions) expect(NOT_NEEDED).not.toHaveProperty([permission]);
    }
  });
});
