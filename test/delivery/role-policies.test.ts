// Each role the stacks create, held to the AWS managed policy made for the same job (copies in
// test/support/aws-managed-policies/, each naming its source): every action the managed policy allows and the role does
// not is listed here, with why the stacks do not need it and where AWS says so. A new action in a refreshed copy, or
// one dropped from a role, fails the test until it is granted or explained.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { allowedActions, withoutAction } from '../support/cfn/iam.js';
import type { Template } from '../support/cfn/parse.js';
import { ROOT } from '../support/generate.js';
import { render } from './render.js';

interface ManagedPolicy {
  name: string;
  source: string;
  document: { Statement: { Effect: string; Action: string | string[] }[] };
}

interface NotNeeded {
  why: string;
  source: string;
}

interface Comparison {
  role: string;
  stack: 'pipeline' | 'service';
  /** Settings that together make the role hold everything it can hold. */
  variants: Record<string, unknown>[];
  policies: string[];
  notNeeded: Record<string, NotNeeded>;
}

const HOOK = 'arn:aws:lambda:us-east-1:123456789012:function:check';

/** The same reason for several actions. */
function explain(actions: string[], reason: NotNeeded): Record<string, NotNeeded> {
  return Object.fromEntries(actions.map((action) => [action, reason]));
}

const ECR_PUSH: NotNeeded = {
  why: 'the build only logs in, finds the previous image (describe-images), pulls it and pushes the new one (buildspec.yml)',
  source: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push-iam.html',
};
const ECR_PUBLIC_READ: NotNeeded = {
  why: 'the build only pulls public images; logged in with GetAuthorizationToken and GetServiceBearerToken, it needs no other permission',
  source: 'https://docs.aws.amazon.com/AmazonECR/latest/public/public-registry-auth.html',
};
const CHANGE_SETS: NotNeeded = {
  why: 'the deploy action runs in CREATE_UPDATE mode, which creates or updates the stack itself; change sets are other modes',
  source: 'https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CloudFormation.html',
};

const COMPARISONS: Comparison[] = [
  {
    role: 'ExecutionRole',
    stack: 'pipeline',
    variants: [{}],
    policies: ['AmazonECSTaskExecutionRolePolicy'],
    notNeeded: {},
  },
  {
    role: 'LoadBalancerRole',
    stack: 'service',
    variants: [{ strategy: 'blue-green' }, { strategy: 'canary' }, { strategy: 'linear' }],
    policies: ['AmazonECSInfrastructureRolePolicyForLoadBalancers'],
    notNeeded: {},
  },
  {
    role: 'CodeDeployRole',
    stack: 'service',
    variants: [{ strategy: 'codedeploy', 'rollback-alarms': true, 'validation-hook': HOOK }],
    policies: ['AWSCodeDeployRoleForECS'],
    notNeeded: {
      'sns:Publish': {
        why: 'the deployment group has no triggers, the only thing CodeDeploy publishes to SNS for',
        source:
          'https://docs.aws.amazon.com/codedeploy/latest/userguide/monitoring-sns-event-notifications-create-trigger.html',
      },
      ...explain(['s3:GetObject', 's3:GetObjectVersion'], {
        why: 'CodeDeployToECS hands CodeDeploy the AppSpec as content (an AppSpecContent revision); only an S3 revision is read from S3',
        source: 'https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_RevisionLocation.html',
      }),
    },
  },
  {
    role: 'BuildRole',
    stack: 'pipeline',
    variants: [{}, { strategy: 'codedeploy' }, { strategy: 'codedeploy', environments: 'staging,production' }],
    policies: ['AmazonEC2ContainerRegistryPowerUser', 'AmazonElasticContainerRegistryPublicReadOnly'],
    notNeeded: {
      ...explain(
        [
          'ecr:GetRepositoryPolicy',
          'ecr:DescribeRepositories',
          'ecr:ListImages',
          'ecr:GetLifecyclePolicy',
          'ecr:GetLifecyclePolicyPreview',
          'ecr:ListTagsForResource',
          'ecr:DescribeImageScanFindings',
        ],
        ECR_PUSH,
      ),
      ...explain(
        [
          'ecr-public:BatchCheckLayerAvailability',
          'ecr-public:GetRepositoryPolicy',
          'ecr-public:DescribeRepositories',
          'ecr-public:DescribeRegistries',
          'ecr-public:DescribeImages',
          'ecr-public:DescribeImageTags',
          'ecr-public:GetRepositoryCatalogData',
          'ecr-public:GetRegistryCatalogData',
        ],
        ECR_PUBLIC_READ,
      ),
    },
  },
  {
    // AWS publishes no managed policy for a CodePipeline service role in general; this one is AWS's for pipelines that
    // build with CodeBuild and deploy with CloudFormation (SageMaker projects), which is what this pipeline does.
    role: 'PipelineRole',
    stack: 'pipeline',
    variants: [
      {},
      { source: 'codecommit', repository: 'shop-api' },
      { strategy: 'codedeploy' },
      { strategy: 'codedeploy', environments: 'dev,staging,production', 'manual-approval': true },
    ],
    policies: ['AmazonSageMakerServiceCatalogProductsCodePipelineServiceRolePolicy'],
    notNeeded: {
      ...explain(
        [
          'cloudformation:CreateChangeSet',
          'cloudformation:DescribeChangeSet',
          'cloudformation:DeleteChangeSet',
          'cloudformation:ExecuteChangeSet',
        ],
        CHANGE_SETS,
      ),
      'cloudformation:DeleteStack': {
        why: 'CREATE_UPDATE never deletes the stack (DELETE_ONLY and REPLACE_ON_FAILURE do); npm run teardown deletes it with your credentials',
        source: 'https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CloudFormation.html',
      },
      'cloudformation:SetStackPolicy': {
        why: 'the deploy action sets no stack policy',
        source: 'https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CloudFormation.html',
      },
      ...explain(['cloudformation:TagResource', 'cloudformation:UntagResource'], {
        why: 'the SageMaker policy tags stacks with its project name; this pipeline tags none',
        source:
          'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonSageMakerServiceCatalogProductsCodePipelineServiceRolePolicy.html',
      }),
      ...explain(['s3:AbortMultipartUpload', 's3:DeleteObject'], {
        why: "CodePipeline's own service role policy neither deletes artifacts nor aborts uploads; the bucket's lifecycle rule expires both",
        source: 'https://docs.aws.amazon.com/codepipeline/latest/userguide/security-iam.html#how-to-custom-role',
      }),
    },
  },
];

function managedPolicy(name: string): ManagedPolicy {
  return JSON.parse(
    readFileSync(path.join(ROOT, 'test', 'support', 'aws-managed-policies', `${name}.json`), 'utf8'),
  ) as ManagedPolicy;
}

function managedActions(name: string): Set<string> {
  const statements = managedPolicy(name).document.Statement.filter((s) => s.Effect === 'Allow');
  return new Set(statements.flatMap((s) => [s.Action].flat()));
}

/** Actions the managed policies allow that none of the role's renderings do and that are not explained. */
function unexplained(c: Comparison, templates: Template[]): string[] {
  const ours = new Set(templates.flatMap((t) => [...allowedActions(t, c.role)]));
  return c.policies.flatMap((name) =>
    [...managedActions(name)].filter((a) => !ours.has(a) && !(a in c.notNeeded)).map((a) => `${name}: ${a}`),
  );
}

describe.each(COMPARISONS)('$role against $policies', (c) => {
  let templates: Template[];
  beforeAll(async () => {
    templates = [];
    // One after the other: a generation runs in its own working directory.
    for (const options of c.variants) templates.push((await render(options))[c.stack]);
  });

  test('has every action of the managed policy, or says why not and where AWS says so', () => {
    expect(unexplained(c, templates)).toEqual([]);
  });

  test('explains only actions the managed policy has and the role lacks, each with an AWS source', () => {
    const ours = new Set(templates.flatMap((t) => [...allowedActions(t, c.role)]));
    const managed = new Set(c.policies.flatMap((name) => [...managedActions(name)]));
    for (const [action, { source }] of Object.entries(c.notNeeded)) {
      expect({ action, managed: managed.has(action), ours: ours.has(action) }).toEqual({
        action,
        managed: true,
        ours: false,
      });
      expect(source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    }
  });

  test('control: dropping an action the managed policy has fails the comparison', () => {
    const ours = new Set(templates.flatMap((t) => [...allowedActions(t, c.role)]));
    const shared = [...new Set(c.policies.flatMap((name) => [...managedActions(name)]))].filter((a) => ours.has(a));
    expect(shared.length).toBeGreaterThan(0);
    for (const action of shared) {
      const without = templates.map((t) => withoutAction(t, c.role, action));
      expect(unexplained(c, without)).toContainEqual(expect.stringMatching(new RegExp(`: ${action}$`)));
    }
  });
});

test('each managed policy copy names its source in iann0036/iam-dataset and its AWS reference page', () => {
  for (const name of new Set(COMPARISONS.flatMap((c) => c.policies))) {
    const policy = managedPolicy(name) as ManagedPolicy & { reference: string };
    expect(policy.name).toBe(name);
    expect(policy.source).toMatch(
      new RegExp(`^https://github\\.com/iann0036/iam-dataset/blob/[0-9a-f]{40}/aws/managedpolicies/${name}\\.json$`),
    );
    expect(policy.reference).toBe(`https://docs.aws.amazon.com/aws-managed-policy/latest/reference/${name}.html`);
  }
});
