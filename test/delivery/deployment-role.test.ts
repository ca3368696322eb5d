// The pipeline stack's deployment role (CloudFormation's service role for the service stack) may do everything
// CloudFormation's resource handlers need for each resource the service stack holds: the handler permissions AWS
// publishes in the registry schemas (create, read, update, delete), for every strategy and every optional part.
import { beforeAll, describe, expect, test } from 'vitest';
import { loadSchemas } from '../support/cfn/schemas.js';
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
  'ec2:DescribeInstances': 'no EC2 instances in these security groups',
  'application-autoscaling:PutScheduledAction': 'no scheduled scaling actions',
  'application-autoscaling:DeleteScheduledAction': 'no scheduled scaling actions',
  'lambda:GetProvisionedConcurrencyConfig': 'the scalable target is an ECS service, not a Lambda function',
  'lambda:PutProvisionedConcurrencyConfig': 'the scalable target is an ECS service, not a Lambda function',
  'lambda:DeleteProvisionedConcurrencyConfig': 'the scalable target is an ECS service, not a Lambda function',
  'iam:PassRole': 'granted for the task roles only; the scalable target uses its service-linked role (no RoleARN)',
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
];

describe.each(VARIANTS)('deployment role (%o)', (options) => {
  let r: Rendered;
  beforeAll(async () => {
    r = await render(options);
  });

  test('allows every handler permission of every resource type of the service stack', async () => {
    const { registry } = await loadSchemas();
    const policies = (
      r.pipeline.Resources!.DeploymentRole.Properties as {
        Policies: { PolicyDocument: { Statement: { Effect: string; Action: string | string[] }[] } }[];
      }
    ).Policies;
    const allowed = new Set(
      policies
        .flatMap((p) => p.PolicyDocument.Statement)
        .filter((s) => s.Effect === 'Allow')
        .flatMap((s) => [s.Action].flat()),
    );
    const missing: string[] = [];
    const types = new Set(Object.values(r.service.Resources!).map((resource) => resource.Type));
    for (const type of types) {
      const handlers =
        (registry.get(type) as { handlers?: Record<string, { permissions?: string[] }> } | undefined)?.handlers ?? {};
      for (const handler of ['create', 'read', 'update', 'delete']) {
        for (const permission of handlers[handler]?.permissions ?? []) {
          if (!allowed.has(permission) && !(permission in NOT_NEEDED))
            missing.push(`${type} ${handler}: ${permission}`);
        }
      }
    }
    expect([...new Set(missing)]).toEqual([]);
  });
});
