// The delivery files of every scenario: valid against AWS's schemas, consistent with each other and with the settings,
// least-privilege and private by default.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, test } from 'vitest';
import { checkTemplate } from '../support/cfn/check.js';
import { checkPolicies } from '../support/cfn/iam.js';
import { instructionsOf, stagesOf } from '../service/dockerfile.js';
import { section } from './readme.js';
import { idOf, only, render, SCENARIOS, type Rendered } from './render.js';
import { buildEnvironment } from './run-buildspec.js';

const ref = (name: string) => ({ Ref: name });
const getAtt = (name: string, attribute: string) => ({ 'Fn::GetAtt': [name, attribute] });
/** Every statement of a role's inline policies. */
const statementsOf = (template: Rendered['pipeline'], role: string): Record<string, unknown>[] =>
  (
    template.Resources![role].Properties as { Policies: { PolicyDocument: { Statement: Record<string, unknown>[] } }[] }
  ).Policies.flatMap((p) => p.PolicyDocument.Statement);

describe.each(Object.entries(SCENARIOS))('%s', (_name, options) => {
  let r: Rendered;
  beforeAll(async () => {
    r = await render(options);
  });

  test('both templates pass the schema and reference checks', async () => {
    expect(await checkTemplate(r.text.service)).toEqual([]);
    expect(await checkTemplate(r.text.pipeline)).toEqual([]);
  });

  test('every IAM statement is least-privilege', async () => {
    expect(await checkPolicies(r.text.service)).toEqual([]);
    expect(await checkPolicies(r.text.pipeline)).toEqual([]);
  });

  describe('service.yml', () => {
    test('the task definition carries the container, port, sizes and stopTimeout', () => {
      const task = only(r.service, 'AWS::ECS::TaskDefinition').Properties;
      expect(task).toMatchObject({
        Cpu: String(r.settings.cpu),
        Memory: String(r.settings.memory),
        NetworkMode: 'awsvpc',
        RequiresCompatibilities: ['FARGATE'],
      });
      expect(task.ContainerDefinitions).toHaveLength(1);
      expect(task.ContainerDefinitions[0]).toMatchObject({
        Name: r.settings.containerName,
        PortMappings: [{ ContainerPort: r.settings.port, Protocol: 'tcp' }],
        StopTimeout: r.derived.stopTimeout,
        Environment: [{ Name: 'PORT', Value: String(r.settings.port) }],
        ReadonlyRootFilesystem: true,
      });
      expect(task.ContainerDefinitions[0].LogConfiguration.LogDriver).toBe('awslogs');
    });

    test('the target group checks the health path with the configured timing and drains for the delay', () => {
      const group = only(r.service, 'AWS::ElasticLoadBalancingV2::TargetGroup').Properties;
      expect(group).toMatchObject({
        TargetType: 'ip',
        Port: r.settings.port,
        HealthCheckPath: r.settings.healthCheckPath,
        HealthCheckIntervalSeconds: r.settings.healthCheckInterval,
        HealthCheckTimeoutSeconds: r.settings.healthCheckTimeout,
        HealthyThresholdCount: r.settings.healthyThreshold,
        UnhealthyThresholdCount: r.settings.unhealthyThreshold,
        Matcher: { HttpCode: '200' },
      });
      expect(group.TargetGroupAttributes).toContainEqual({
        Key: 'deregistration_delay.timeout_seconds',
        Value: String(r.settings.deregistrationDelay),
      });
    });

    test('the service rolls with the configured percentages, circuit breaker and grace period', () => {
      const service = only(r.service, 'AWS::ECS::Service').Properties;
      expect(service).toMatchObject({
        ServiceName: ref('ServiceName'),
        LaunchType: 'FARGATE',
        DeploymentController: { Type: 'ECS' },
        DeploymentConfiguration: {
          MinimumHealthyPercent: r.settings.minHealthyPercent,
          MaximumPercent: r.settings.maxPercent,
          DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        },
        HealthCheckGracePeriodSeconds: r.settings.healthCheckGracePeriod,
        LoadBalancers: [{ ContainerName: r.settings.containerName, ContainerPort: r.settings.port }],
      });
    });

    test('parameters default to the settings', () => {
      const p = r.service.Parameters!;
      expect(p.ClusterName.Default).toBe(r.settings.cluster);
      expect(p.ServiceName.Default).toBe(r.settings.service);
      expect(p.DesiredCount.Default).toBe(r.settings.desiredCount);
    });

    test('the service runs DesiredCount tasks of ImageUri from its creation; ImageUri has no default to fall back to', () => {
      const service = only(r.service, 'AWS::ECS::Service').Properties;
      expect(service.DesiredCount).toEqual(ref('DesiredCount'));
      expect(only(r.service, 'AWS::ECS::TaskDefinition').Properties.ContainerDefinitions[0].Image).toEqual(
        ref('ImageUri'),
      );
      expect(r.service.Parameters!.ImageUri).not.toHaveProperty('Default');
      expect(r.service.Conditions).toBeUndefined();
    });

    test('the stack creates the cluster it names, or joins the existing one without creating or deleting it', () => {
      const service = only(r.service, 'AWS::ECS::Service').Properties;
      const clusters = Object.entries(r.service.Resources!).filter(([, res]) => res.Type === 'AWS::ECS::Cluster');
      if (r.settings.existingCluster) {
        expect(clusters).toEqual([]);
        expect(service.Cluster).toEqual(ref('ClusterName'));
      } else {
        expect(clusters.map(([id, res]) => [id, res.Properties?.ClusterName])).toEqual([
          ['Cluster', ref('ClusterName')],
        ]);
        expect(service.Cluster).toEqual(ref('Cluster'));
      }
    });

    test('the container log group is deleted with the stack, on purpose', () => {
      const group = only(r.service, 'AWS::Logs::LogGroup');
      expect([group.DeletionPolicy, group.UpdateReplacePolicy]).toEqual(['Delete', 'Delete']);
    });

    test('tasks are reachable only from the load balancer, on the container port', () => {
      const service = only(r.service, 'AWS::ECS::Service').Properties;
      const taskGroups = service.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups as unknown[];
      const balancerGroups = only(r.service, 'AWS::ElasticLoadBalancingV2::LoadBalancer').Properties
        .SecurityGroups as unknown[];
      expect(taskGroups).toHaveLength(1);
      const taskGroupId = (taskGroups[0] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      expect(r.service.Resources![taskGroupId].Properties?.SecurityGroupIngress).toBeUndefined();
      const ingress = Object.values(r.service.Resources!).filter(
        (res) =>
          res.Type === 'AWS::EC2::SecurityGroupIngress' &&
          JSON.stringify(res.Properties?.GroupId) === JSON.stringify(taskGroups[0]),
      );
      expect(ingress.length).toBeGreaterThan(0);
      for (const rule of ingress) {
        expect(rule.Properties).toEqual({
          GroupId: taskGroups[0],
          IpProtocol: 'tcp',
          FromPort: r.settings.port,
          ToPort: r.settings.port,
          SourceSecurityGroupId: balancerGroups[0],
        });
      }
    });

    test('the load balancer is open on its listener port only', () => {
      const balancerGroups = only(r.service, 'AWS::ElasticLoadBalancingV2::LoadBalancer').Properties
        .SecurityGroups as unknown[];
      const id = (balancerGroups[0] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      for (const rule of r.service.Resources![id].Properties!.SecurityGroupIngress as Record<string, unknown>[]) {
        expect(rule).toMatchObject({ IpProtocol: 'tcp', FromPort: ref('ListenerPort'), ToPort: ref('ListenerPort') });
      }
      const listener = only(r.service, 'AWS::ElasticLoadBalancingV2::Listener').Properties;
      expect(listener.Port).toEqual(ref('ListenerPort'));
    });

    test('the load balancer may send traffic to the tasks only, on the container port', () => {
      const balancerGroups = only(r.service, 'AWS::ElasticLoadBalancingV2::LoadBalancer').Properties
        .SecurityGroups as unknown[];
      const id = (balancerGroups[0] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const taskGroup = only(r.service, 'AWS::ECS::Service').Properties.NetworkConfiguration.AwsvpcConfiguration
        .SecurityGroups[0];
      expect(r.service.Resources![id].Properties!.SecurityGroupEgress).toEqual([
        {
          IpProtocol: 'tcp',
          FromPort: r.settings.port,
          ToPort: r.settings.port,
          DestinationSecurityGroupId: taskGroup,
        },
      ]);
      expect(Object.values(r.service.Resources!).filter((res) => res.Type === 'AWS::EC2::SecurityGroupEgress')).toEqual(
        [],
      );
    });

    test('outputs: the URL npm run deploy prints, the cluster and the service', () => {
      expect(Object.keys(r.service.Outputs!).sort()).toEqual([
        'ClusterName',
        'LoadBalancerDnsName',
        'ServiceName',
        'ServiceUrl',
      ]);
    });

    test('every parameter without a default is passed by the pipeline (or is the image), and every one passed exists', () => {
      const passed = Object.keys(buildEnvironment(r))
        .filter((n) => n.startsWith('STACK_PARAMETER_'))
        .map((n) => n.slice('STACK_PARAMETER_'.length));
      for (const name of passed) expect(r.service.Parameters).toHaveProperty(name);
      const required = Object.entries(r.service.Parameters!)
        .filter(([, p]) => !('Default' in p))
        .map(([name]) => name);
      expect(required.sort()).toEqual([...passed.filter((n) => required.includes(n)), 'ImageUri'].sort());
    });
  });

  describe('pipeline.yml', () => {
    test('the deploy action creates or updates the service stack from the build output, through the deployment role', () => {
      const pipeline = only(r.pipeline, 'AWS::CodePipeline::Pipeline').Properties;
      expect(pipeline.PipelineType).toBe('V2');
      const deploy = pipeline.Stages.at(-1);
      expect(deploy.Actions).toHaveLength(1);
      const action = deploy.Actions[0];
      expect(action.ActionTypeId).toEqual({
        Category: 'Deploy',
        Owner: 'AWS',
        Provider: 'CloudFormation',
        Version: '1',
      });
      expect(action.Configuration).toEqual({
        ActionMode: 'CREATE_UPDATE',
        StackName: ref('ServiceStackName'),
        TemplatePath: 'BuildOutput::infra/service.yml',
        TemplateConfiguration: 'BuildOutput::service-config.json',
        Capabilities: 'CAPABILITY_IAM',
        RoleArn: getAtt('DeploymentRole', 'Arn'),
      });
      expect(action.InputArtifacts).toEqual([{ Name: 'BuildOutput' }]);
      const trust = r.pipeline.Resources!.DeploymentRole.Properties!.AssumeRolePolicyDocument as {
        Statement: { Principal: unknown }[];
      };
      expect(trust.Statement[0].Principal).toEqual({ Service: 'cloudformation.amazonaws.com' });
      const p = r.pipeline.Parameters as Record<string, { Default?: unknown }>;
      expect(p.ServiceStackName.Default).toBe(`${String(r.settings.appName)}-service`);
      expect(p.ClusterName.Default).toBe(r.settings.cluster);
      expect(p.ServiceName.Default).toBe(r.settings.service);
      expect(p.EcrRepositoryName.Default).toBe(r.settings.ecrRepository);
      expect(['VpcId', 'LoadBalancerSubnetIds', 'TaskSubnetIds'].filter((name) => 'Default' in p[name])).toEqual([]);
    });

    test('stages: source, build, approval only when asked, deploy', () => {
      const stages = only(r.pipeline, 'AWS::CodePipeline::Pipeline').Properties.Stages.map(
        (s: { Name: string }) => s.Name,
      );
      expect(stages).toEqual(
        r.settings.manualApproval ? ['Source', 'Build', 'Approve', 'Deploy'] : ['Source', 'Build', 'Deploy'],
      );
    });

    test('the source matches the settings', () => {
      const source = only(r.pipeline, 'AWS::CodePipeline::Pipeline').Properties.Stages[0].Actions[0];
      const p = r.pipeline.Parameters!;
      expect(p.BranchName.Default).toBe(r.settings.branch);
      if (r.settings.source === 'codecommit') {
        expect(source.ActionTypeId.Provider).toBe('CodeCommit');
        expect(source.Configuration).toMatchObject({
          RepositoryName: ref('CodeCommitRepositoryName'),
          PollForSourceChanges: false,
        });
        expect(p.CodeCommitRepositoryName.Default).toBe(
          r.settings.repository === '' ? undefined : r.settings.repository,
        );
        const rule = only(r.pipeline, 'AWS::Events::Rule').Properties;
        expect(rule.EventPattern.detail.referenceName).toEqual([ref('BranchName')]);
        return;
      }
      expect(source.ActionTypeId.Provider).toBe('CodeStarSourceConnection');
      const connection = { 'Fn::If': ['ShouldCreateConnection', ref('Connection'), ref('ConnectionArn')] };
      expect(source.Configuration).toMatchObject({
        ConnectionArn: connection,
        FullRepositoryId: ref('FullRepositoryId'),
      });
      expect(p.ConnectionArn.Default).toBe(r.settings.connectionArn);
      expect(p.FullRepositoryId.Default).toBe(r.settings.repository === '' ? undefined : r.settings.repository);
      expect(r.pipeline.Resources!.Connection.Condition).toBe('ShouldCreateConnection');
    });

    test('the artifact bucket is encrypted, private, TLS-only and expires artifacts', () => {
      const bucket = only(r.pipeline, 'AWS::S3::Bucket');
      const p = bucket.Properties;
      expect(
        p.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm,
      ).toMatch(/^(AES256|aws:kms)$/);
      expect(p.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(p.LifecycleConfiguration.Rules).toContainEqual(
        expect.objectContaining({ Status: 'Enabled', ExpirationInDays: expect.anything() }),
      );
      const policy = only(r.pipeline, 'AWS::S3::BucketPolicy').Properties;
      const bucketId = idOf(r.pipeline, bucket);
      expect(policy.Bucket).toEqual(ref(bucketId));
      expect(policy.PolicyDocument.Statement).toContainEqual({
        Sid: expect.any(String),
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [getAtt(bucketId, 'Arn'), { 'Fn::Sub': `\${${bucketId}.Arn}/*` }],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      });
    });

    test('the repository scans on push, keeps the last images only, and is emptied when the stack is deleted', () => {
      const repository = only(r.pipeline, 'AWS::ECR::Repository').Properties;
      expect(repository.ImageScanningConfiguration).toEqual({ ScanOnPush: true });
      expect(repository.EmptyOnDelete).toBe(true);
      const text = repository.LifecyclePolicy.LifecyclePolicyText['Fn::Sub'].replaceAll('${ImagesToKeep}', '30');
      const policy = JSON.parse(text);
      expect(policy.rules).toEqual([
        expect.objectContaining({
          selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 30 },
          action: { type: 'expire' },
        }),
      ]);
    });

    test('the build runs Docker privileged on the current standard image and logs to CloudWatch', () => {
      const project = only(r.pipeline, 'AWS::CodeBuild::Project').Properties;
      expect(project.Environment).toMatchObject({ PrivilegedMode: true, Image: r.derived.codeBuildImage });
      expect(
        project.Environment.EnvironmentVariables.map((v: { Name: string }) => v.Name)
          .filter((n: string) => !n.startsWith('STACK_PARAMETER_'))
          .sort(),
      ).toEqual(['IMAGE_TAG_MUTABILITY', 'REPOSITORY_URI']);
      expect(project.LogsConfig.CloudWatchLogs.Status).toBe('ENABLED');
      expect(project.Source).toEqual({ Type: 'CODEPIPELINE', BuildSpec: 'buildspec.yml' });
      const log = only(r.pipeline, 'AWS::Logs::LogGroup');
      expect([log.DeletionPolicy, log.UpdateReplacePolicy]).toEqual(['Delete', 'Delete']);
    });

    test("the build role has AWS's documented CodeBuild minimum: the bucket's ACL and location, its log group created", () => {
      const statements = statementsOf(r.pipeline, 'BuildRole');
      expect(statements).toContainEqual({
        Effect: 'Allow',
        Action: ['s3:GetBucketAcl', 's3:GetBucketLocation'],
        Resource: getAtt('ArtifactBucket', 'Arn'),
      });
      expect(statements.find((s) => [s.Action].flat().includes('logs:CreateLogGroup'))?.Resource).toEqual([
        getAtt('BuildLogGroup', 'Arn'),
        { 'Fn::Sub': '${BuildLogGroup.Arn}:*' },
      ]);
    });

    test('iam:PassRole: the pipeline passes only the deployment role, to CloudFormation, which passes only the task roles, to ECS tasks', () => {
      const passRole = (role: string) =>
        statementsOf(r.pipeline, role).filter((s) => [s.Action].flat().includes('iam:PassRole'));
      expect(passRole('PipelineRole')).toEqual([
        {
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: getAtt('DeploymentRole', 'Arn'),
          Condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
        },
      ]);
      expect(passRole('DeploymentRole')).toEqual([
        {
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: [getAtt('TaskRole', 'Arn'), getAtt('ExecutionRole', 'Arn')],
          Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
        },
      ]);
    });

    test('the deployment role may act on the service stack only, the pipeline may deploy that one stack only', () => {
      const stackArn = {
        'Fn::Sub': 'arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/${ServiceStackName}/*',
      };
      const cloudformation = statementsOf(r.pipeline, 'PipelineRole').filter((s) =>
        [s.Action].flat().some((a) => String(a).startsWith('cloudformation:')),
      );
      expect(cloudformation.map((s) => s.Resource)).toEqual([stackArn, '*']);
      expect(cloudformation[1].Action).toBe('cloudformation:ValidateTemplate');
      const clusterStatements = statementsOf(r.pipeline, 'DeploymentRole').filter((s) =>
        [s.Action].flat().includes('ecs:CreateCluster'),
      );
      expect(clusterStatements).toHaveLength(r.settings.existingCluster ? 0 : 1);
    });
  });

  describe('README Deploy', () => {
    const deploySection = () =>
      r.text.readme.slice(r.text.readme.indexOf('## Deploy\n'), r.text.readme.indexOf('## Deployment time'));

    test('one command to a URL, one to tear down; no ImageUri discipline, no 0-task start', () => {
      const text = deploySection();
      expect(text).toContain('```sh\nnpm run deploy\n```');
      expect(text).toContain('```sh\nnpm run teardown\n```');
      expect(text).not.toMatch(/ImageUri=|0 tasks|no task/);
      expect(text).toMatch(/```mermaid\nflowchart LR\n[\s\S]*ECR[\s\S]*ECS[\s\S]*Load Balancer[\s\S]*```/);
    });

    test('the connection click appears for a connection only', () => {
      expect(deploySection().includes('### The one click: authorising the connection')).toBe(
        r.settings.source === 'connection',
      );
    });

    test('the monthly cost adds up from the prices it states', () => {
      const cost = section(deploySection(), '### What it costs');
      const rows = cost
        .split('\n')
        .filter((line) => /^\| .*\$[0-9.]+\** \|$/.test(line))
        .map((line) => line.split('|').map((cell) => cell.trim()))
        .map((cells) => [cells[1], Number(cells[3].replace(/[*$]/g, ''))] as const);
      const total = rows.find(([what]) => what === '**total**')![1];
      const parts = rows.filter(([what]) => what !== '**total**').map(([, cost]) => cost);
      expect(parts).toHaveLength(3);
      expect(parts.reduce((a, b) => a + b, 0)).toBeCloseTo(total, 1);
      // Fargate: desiredCount x (vCPU x $0.04048 + GB x $0.004445) x 730 h.
      const { desiredCount, cpu, memory } = r.settings as { desiredCount: number; cpu: number; memory: number };
      expect(parts[0]).toBeCloseTo(desiredCount * ((cpu / 1024) * 0.04048 + (memory / 1024) * 0.004445) * 730, 1);
    });
  });

  describe('the app agrees with the infrastructure', () => {
    /** The literal values of `export const GENERATED = { ... }` in the generated src/config.ts, read with the TypeScript parser. */
    const generatedConfig = (): Record<string, unknown> => {
      const file = ts.createSourceFile(
        'config.ts',
        readFileSync(path.join(r.dir, 'src/config.ts'), 'utf8'),
        ts.ScriptTarget.ES2022,
      );
      let literal: ts.ObjectLiteralExpression | undefined;
      const visit = (node: ts.Node): void => {
        if (ts.isVariableDeclaration(node) && node.name.getText(file) === 'GENERATED' && node.initializer) {
          const init = ts.isAsExpression(node.initializer) ? node.initializer.expression : node.initializer;
          if (ts.isObjectLiteralExpression(init)) literal = init;
        }
        ts.forEachChild(node, visit);
      };
      visit(file);
      expect(literal, 'GENERATED in src/config.ts').toBeDefined();
      return Object.fromEntries(
        literal!.properties
          .filter(ts.isPropertyAssignment)
          .map((p) => [p.name.getText(file), JSON.parse(p.initializer.getText(file))]),
      );
    };

    test('port, health path, drain and stop timeout are the ones the task definition and target group use', () => {
      const app = generatedConfig();
      const container = only(r.service, 'AWS::ECS::TaskDefinition').Properties.ContainerDefinitions[0];
      const group = only(r.service, 'AWS::ElasticLoadBalancingV2::TargetGroup').Properties;
      expect(app.port).toBe(container.PortMappings[0].ContainerPort);
      expect(app.port).toBe(group.Port);
      expect(app.healthCheckPath).toBe(group.HealthCheckPath);
      expect(app.stopTimeoutSeconds).toBe(container.StopTimeout);
      expect(app.drainSeconds).toBeLessThan(container.StopTimeout);
    });

    test('the image exposes the container port and is the one the build tags', () => {
      const runtime = stagesOf(readFileSync(path.join(r.dir, 'Dockerfile'), 'utf8')).at(-1)!;
      const container = only(r.service, 'AWS::ECS::TaskDefinition').Properties.ContainerDefinitions[0];
      expect(instructionsOf(runtime, 'EXPOSE').map((i) => i.getArgumentsContent())).toEqual([
        String(container.PortMappings[0].ContainerPort),
      ]);
      expect(runtime.image).toBe(r.derived.baseImage);
      const build = r.buildspec.phases.build.commands.find((c) => c.startsWith('docker build'));
      expect(build).toMatch(/ \.$/);
      // The build passes the commit as APP_VERSION, which the image reports on its health endpoint.
      expect(build).toContain('--build-arg APP_VERSION="$IMAGE_TAG"');
      expect(instructionsOf(runtime, 'ARG').map((i) => i.getArgumentsContent()?.split('=')[0])).toContain(
        'APP_VERSION',
      );
    });

    test('the scripts the buildspec runs exist in the app', () => {
      const scripts = JSON.parse(readFileSync(path.join(r.dir, 'package.json'), 'utf8')).scripts as Record<
        string,
        string
      >;
      expect(scripts).toHaveProperty('lint');
      expect(scripts).toHaveProperty('test');
    });
  });

  describe('buildspec.yml', () => {
    test('pins the Node line, logs in with get-login-password, tags with the short commit and build number, and caches', () => {
      const b = r.buildspec;
      expect(b.version).toBe(0.2);
      expect(String(b.phases.install['runtime-versions']!.nodejs)).toBe(r.settings.nodeVersion);
      const commands = Object.values(b.phases).flatMap((phase) => phase.commands ?? []);
      expect(commands.some((c) => /aws ecr get-login-password .*\| docker login .*--password-stdin/.test(c))).toBe(
        true,
      );
      expect(commands.some((c) => /aws ecr get-login(\s|$)/.test(c))).toBe(false);
      expect(commands).toContain('IMAGE_TAG="${CODEBUILD_RESOLVED_SOURCE_VERSION:0:7}-${CODEBUILD_BUILD_NUMBER}"');
      for (const step of ['npm ci', 'npm run lint', 'npm test']) expect(commands).toContain(step);
      expect(b.artifacts.files).toEqual(['service-config.json', 'infra/service.yml']);
      expect(b.cache?.paths).toContain('/root/.npm/**/*');
    });

    test('service-config.json is written last, only after every command of an aborting phase succeeded', () => {
      const build = r.buildspec.phases.build;
      expect(build['on-failure']).toBe('ABORT');
      expect(r.buildspec.phases.pre_build['on-failure']).toBe('ABORT');
      expect(build.commands.at(-1)).toContain('service-config.json');
      expect(r.buildspec.phases.post_build).toBeUndefined();
      const all = Object.values(r.buildspec.phases).flatMap((phase) => phase.commands ?? []);
      expect(all.filter((c) => c.includes('service-config.json'))).toHaveLength(1);
    });

    test('the image is pushed to the repository the execution role may pull from', () => {
      const project = only(r.pipeline, 'AWS::CodeBuild::Project').Properties;
      const uri = project.Environment.EnvironmentVariables.find(
        (v: { Name: string }) => v.Name === 'REPOSITORY_URI',
      ).Value;
      expect(uri).toEqual(getAtt('Repository', 'RepositoryUri'));
      const pull = statementsOf(r.pipeline, 'ExecutionRole').find((s) =>
        [s.Action].flat().includes('ecr:BatchGetImage'),
      );
      expect(pull?.Resource).toEqual(getAtt('Repository', 'Arn'));
    });
  });
});
