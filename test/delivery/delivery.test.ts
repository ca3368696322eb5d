// The delivery files of every scenario: valid against AWS's schemas, consistent with each other and with the settings,
// least-privilege and private by default.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, test } from 'vitest';
import { checkTemplate } from '../support/cfn/check.js';
import { checkPolicies } from '../support/cfn/iam.js';
import { instructionsOf, stagesOf } from '../service/dockerfile.js';
import { deployOverrides, parameterTable, requiredParameters, section, tableMismatches } from './readme.js';
import { idOf, only, render, SCENARIOS, type Rendered } from './render.js';

const ref = (name: string) => ({ Ref: name });
const getAtt = (name: string, attribute: string) => ({ 'Fn::GetAtt': [name, attribute] });

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
      expect(p.EcrRepositoryName.Default).toBe(r.settings.ecrRepository);
      expect(p.DesiredCount.Default).toBe(r.settings.desiredCount);
    });

    test('before any image exists the service runs no task; with ImageUri it runs DesiredCount', () => {
      const service = only(r.service, 'AWS::ECS::Service').Properties;
      expect(service.DesiredCount).toEqual({ 'Fn::If': ['HasImage', ref('DesiredCount'), 0] });
      expect(r.service.Conditions!.HasImage).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [ref('ImageUri'), ''] }] });
      expect(r.service.Parameters!.ImageUri.Default).toBe('');
    });

    test('tasks are reachable only from the load balancer, on the container port', () => {
      const service = only(r.service, 'AWS::ECS::Service').Properties;
      const taskGroups = service.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups as unknown[];
      const balancerGroups = only(r.service, 'AWS::ElasticLoadBalancingV2::LoadBalancer').Properties.SecurityGroups as unknown[];
      expect(taskGroups).toHaveLength(1);
      const taskGroupId = (taskGroups[0] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      expect(r.service.Resources![taskGroupId].Properties?.SecurityGroupIngress).toBeUndefined();
      const ingress = Object.values(r.service.Resources!).filter(
        (res) => res.Type === 'AWS::EC2::SecurityGroupIngress' && JSON.stringify(res.Properties?.GroupId) === JSON.stringify(taskGroups[0]),
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
      const balancerGroups = only(r.service, 'AWS::ElasticLoadBalancingV2::LoadBalancer').Properties.SecurityGroups as unknown[];
      const id = (balancerGroups[0] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      for (const rule of r.service.Resources![id].Properties!.SecurityGroupIngress as Record<string, unknown>[]) {
        expect(rule).toMatchObject({ IpProtocol: 'tcp', FromPort: ref('ListenerPort'), ToPort: ref('ListenerPort') });
      }
      const listener = only(r.service, 'AWS::ElasticLoadBalancingV2::Listener').Properties;
      expect(listener.Port).toEqual(ref('ListenerPort'));
    });

    test('the load balancer may send traffic to the tasks only, on the container port', () => {
      const balancerGroups = only(r.service, 'AWS::ElasticLoadBalancingV2::LoadBalancer').Properties.SecurityGroups as unknown[];
      const id = (balancerGroups[0] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const taskGroup = only(r.service, 'AWS::ECS::Service').Properties.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups[0];
      expect(r.service.Resources![id].Properties!.SecurityGroupEgress).toEqual([
        { IpProtocol: 'tcp', FromPort: r.settings.port, ToPort: r.settings.port, DestinationSecurityGroupId: taskGroup },
      ]);
      expect(Object.values(r.service.Resources!).filter((res) => res.Type === 'AWS::EC2::SecurityGroupEgress')).toEqual([]);
    });

    test('outputs name what the pipeline stack takes as parameters', () => {
      expect(Object.keys(r.service.Outputs!).sort()).toEqual(
        ['ClusterName', 'ExecutionRoleArn', 'LoadBalancerUrl', 'ServiceName', 'TaskRoleArn'].sort(),
      );
      for (const name of ['ClusterName', 'ServiceName', 'TaskRoleArn', 'ExecutionRoleArn']) {
        expect(r.pipeline.Parameters).toHaveProperty(name);
      }
    });
  });

  describe('pipeline.yml', () => {
    test('the deploy action targets the configured cluster and service with a short timeout', () => {
      const pipeline = only(r.pipeline, 'AWS::CodePipeline::Pipeline').Properties;
      expect(pipeline.PipelineType).toBe('V2');
      const deploy = pipeline.Stages.at(-1);
      expect(deploy.Actions).toHaveLength(1);
      const action = deploy.Actions[0];
      expect(action.ActionTypeId).toEqual({ Category: 'Deploy', Owner: 'AWS', Provider: 'ECS', Version: '1' });
      expect(action.Configuration).toEqual({
        ClusterName: ref('ClusterName'),
        ServiceName: ref('ServiceName'),
        FileName: 'imagedefinitions.json',
        DeploymentTimeout: String(r.derived.deployTimeoutMinutes),
      });
      expect(r.pipeline.Parameters!.ClusterName.Default).toBe(r.settings.cluster);
      expect(r.pipeline.Parameters!.ServiceName.Default).toBe(r.settings.service);
      expect(r.pipeline.Parameters!.EcrRepositoryName.Default).toBe(r.settings.ecrRepository);
      expect(r.derived.deployTimeoutMinutes).toBeGreaterThanOrEqual(10);
      expect(r.derived.deployTimeoutMinutes).toBeLessThanOrEqual(30);
    });

    test('stages: source, build, approval only when asked, deploy', () => {
      const stages = only(r.pipeline, 'AWS::CodePipeline::Pipeline').Properties.Stages.map((s: { Name: string }) => s.Name);
      expect(stages).toEqual(r.settings.manualApproval ? ['Source', 'Build', 'Approve', 'Deploy'] : ['Source', 'Build', 'Deploy']);
    });

    test('the source matches the settings', () => {
      const source = only(r.pipeline, 'AWS::CodePipeline::Pipeline').Properties.Stages[0].Actions[0];
      const p = r.pipeline.Parameters!;
      expect(p.BranchName.Default).toBe(r.settings.branch);
      if (r.settings.source === 'codecommit') {
        expect(source.ActionTypeId.Provider).toBe('CodeCommit');
        expect(source.Configuration).toMatchObject({ RepositoryName: ref('CodeCommitRepositoryName'), PollForSourceChanges: false });
        expect(p.CodeCommitRepositoryName.Default).toBe(r.settings.repository || undefined);
        const rule = only(r.pipeline, 'AWS::Events::Rule').Properties;
        expect(rule.EventPattern.detail.referenceName).toEqual([ref('BranchName')]);
        return;
      }
      expect(source.ActionTypeId.Provider).toBe('CodeStarSourceConnection');
      const connection = { 'Fn::If': ['ShouldCreateConnection', ref('Connection'), ref('ConnectionArn')] };
      expect(source.Configuration).toMatchObject({ ConnectionArn: connection, FullRepositoryId: ref('FullRepositoryId') });
      expect(p.ConnectionArn.Default).toBe(r.settings.connectionArn);
      expect(p.FullRepositoryId.Default).toBe(r.settings.repository || undefined);
      expect(r.pipeline.Resources!.Connection.Condition).toBe('ShouldCreateConnection');
    });

    test('the artifact bucket is encrypted, private, TLS-only and expires artifacts', () => {
      const bucket = only(r.pipeline, 'AWS::S3::Bucket');
      const p = bucket.Properties;
      expect(p.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toMatch(/^(AES256|aws:kms)$/);
      expect(p.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
      });
      expect(p.LifecycleConfiguration.Rules).toContainEqual(expect.objectContaining({ Status: 'Enabled', ExpirationInDays: expect.anything() }));
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

    test('the repository scans on push and keeps the last images only', () => {
      const repository = only(r.pipeline, 'AWS::ECR::Repository').Properties;
      expect(repository.ImageScanningConfiguration).toEqual({ ScanOnPush: true });
      const text = repository.LifecyclePolicy.LifecyclePolicyText['Fn::Sub'].replaceAll('${ImagesToKeep}', '30');
      const policy = JSON.parse(text);
      expect(policy.rules).toEqual([
        expect.objectContaining({ selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 30 }, action: { type: 'expire' } }),
      ]);
    });

    test('the build runs Docker privileged on the current standard image and logs to CloudWatch', () => {
      const project = only(r.pipeline, 'AWS::CodeBuild::Project').Properties;
      expect(project.Environment).toMatchObject({ PrivilegedMode: true, Image: r.derived.codeBuildImage });
      expect(project.Environment.EnvironmentVariables.map((v: { Name: string }) => v.Name).sort()).toEqual(['IMAGE_TAG_MUTABILITY', 'REPOSITORY_URI']);
      expect(project.LogsConfig.CloudWatchLogs.Status).toBe('ENABLED');
      expect(project.Source).toEqual({ Type: 'CODEPIPELINE', BuildSpec: 'buildspec.yml' });
    });

    test('iam:PassRole covers exactly the two task roles, for ECS tasks', () => {
      const role = r.pipeline.Resources!.PipelineRole.Properties as { Policies: { PolicyDocument: { Statement: Record<string, unknown>[] } }[] };
      const passRole = role.Policies.flatMap((p) => p.PolicyDocument.Statement).filter((s) => [s.Action].flat().includes('iam:PassRole'));
      expect(passRole).toEqual([
        {
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: [ref('TaskRoleArn'), ref('ExecutionRoleArn')],
          Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
        },
      ]);
    });
  });

  describe('README deploy steps', () => {
    test('the service table lists exactly the template parameters with their defaults', () => {
      expect(tableMismatches(parameterTable(section(r.text.readme, '### 1. The service stack')), r.service)).toEqual([]);
    });

    test('the pipeline table lists exactly the template parameters with their defaults', () => {
      expect(tableMismatches(parameterTable(section(r.text.readme, '### 2. The pipeline stack')), r.pipeline)).toEqual([]);
    });

    test('each deploy command passes only existing parameters, the first ones every required one', () => {
      const service = deployOverrides(r.text.readme, 'infra/service.yml');
      const pipeline = deployOverrides(r.text.readme, 'infra/pipeline.yml');
      expect(service).toHaveLength(2);
      expect(pipeline).toHaveLength(1);
      for (const names of service) for (const name of names) expect(r.service.Parameters).toHaveProperty(name);
      for (const name of pipeline[0]) expect(r.pipeline.Parameters).toHaveProperty(name);
      expect(service[0]).toEqual(expect.arrayContaining(requiredParameters(r.service)));
      expect(pipeline[0]).toEqual(expect.arrayContaining(requiredParameters(r.pipeline)));
      expect(service[1]).toEqual(['ImageUri']);
    });

    test('the image lookup reads the configured cluster, service and container', () => {
      const step = section(r.text.readme, '### 4.');
      expect(step).toContain(`--cluster ${String(r.settings.cluster)} --services ${String(r.settings.service)}`);
      expect(step).toContain(`containerDefinitions[?name=='${String(r.settings.containerName)}']`);
    });

    test('the handshake step appears for a connection only', () => {
      expect(r.text.readme.includes('### 3. The connection handshake')).toBe(r.settings.source === 'connection');
    });
  });

  describe('the app agrees with the infrastructure', () => {
    /** The literal values of `export const GENERATED = { ... }` in the generated src/config.ts, read with the TypeScript parser. */
    const generatedConfig = (): Record<string, unknown> => {
      const file = ts.createSourceFile('config.ts', readFileSync(path.join(r.dir, 'src/config.ts'), 'utf8'), ts.ScriptTarget.ES2022);
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
        literal!.properties.filter(ts.isPropertyAssignment).map((p) => [p.name.getText(file), JSON.parse(p.initializer.getText(file))]),
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
      expect(instructionsOf(runtime, 'EXPOSE').map((i) => i.getArgumentsContent())).toEqual([String(container.PortMappings[0].ContainerPort)]);
      expect(runtime.image).toBe(r.derived.baseImage);
      const build = r.buildspec.phases.build.commands.find((c) => c.startsWith('docker build'));
      expect(build).toMatch(/ \.$/);
      // The build passes the commit as APP_VERSION, which the image reports on its health endpoint.
      expect(build).toContain('--build-arg APP_VERSION="$IMAGE_TAG"');
      expect(instructionsOf(runtime, 'ARG').map((i) => i.getArgumentsContent()?.split('=')[0])).toContain('APP_VERSION');
    });

    test('the scripts the buildspec runs exist in the app', () => {
      const scripts = JSON.parse(readFileSync(path.join(r.dir, 'package.json'), 'utf8')).scripts as Record<string, string>;
      expect(scripts).toHaveProperty('lint');
      expect(scripts).toHaveProperty('test');
    });
  });

  describe('buildspec.yml', () => {
    test('pins the Node line, logs in with get-login-password, tags with the short commit and caches', () => {
      const b = r.buildspec;
      expect(b.version).toBe(0.2);
      expect(String(b.phases.install['runtime-versions']!.nodejs)).toBe(r.settings.nodeVersion);
      const commands = Object.values(b.phases).flatMap((phase) => phase.commands ?? []);
      expect(commands.some((c) => /aws ecr get-login-password .*\| docker login .*--password-stdin/.test(c))).toBe(true);
      expect(commands.some((c) => /aws ecr get-login(\s|$)/.test(c))).toBe(false);
      expect(commands).toContain('IMAGE_TAG="${CODEBUILD_RESOLVED_SOURCE_VERSION:0:7}"');
      for (const step of ['npm ci', 'npm run lint', 'npm test']) expect(commands).toContain(step);
      expect(b.artifacts.files).toEqual(['imagedefinitions.json']);
      expect(b.cache?.paths).toContain('/root/.npm/**/*');
    });

    test('imagedefinitions.json is written last, only after every command of an aborting phase succeeded', () => {
      const build = r.buildspec.phases.build;
      expect(build['on-failure']).toBe('ABORT');
      expect(r.buildspec.phases.pre_build['on-failure']).toBe('ABORT');
      expect(build.commands.at(-1)).toContain('imagedefinitions.json');
      expect(r.buildspec.phases.post_build).toBeUndefined();
      const all = Object.values(r.buildspec.phases).flatMap((phase) => phase.commands ?? []);
      expect(all.filter((c) => c.includes('imagedefinitions.json'))).toHaveLength(1);
    });

    test('its imagedefinitions.json names the task definition container (the command is run for real)', () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'imagedefinitions-'));
      const command = r.buildspec.phases.build.commands.at(-1)!;
      const uri = '123456789012.dkr.ecr.us-east-1.amazonaws.com/repo:abc1234';
      const out = spawnSync('bash', ['-c', command], {
        cwd: dir,
        env: { ...process.env, ...r.buildspec.env.variables, REPOSITORY_URI: uri.split(':')[0], IMAGE_TAG: 'abc1234' },
        encoding: 'utf8',
      });
      expect(out.stderr).toBe('');
      const definitions = JSON.parse(readFileSync(path.join(dir, 'imagedefinitions.json'), 'utf8'));
      const container = only(r.service, 'AWS::ECS::TaskDefinition').Properties.ContainerDefinitions[0].Name;
      expect(definitions).toEqual([{ name: container, imageUri: uri }]);
      expect(container).toBe(r.settings.containerName);
    });

    test('the image is pushed to the repository the service pulls from', () => {
      const task = only(r.service, 'AWS::ECS::TaskDefinition').Properties;
      expect(task.ContainerDefinitions[0].Image['Fn::If'][2]['Fn::Sub']).toContain('/${EcrRepositoryName}:');
      expect(r.service.Parameters!.EcrRepositoryName.Default).toBe(r.pipeline.Parameters!.EcrRepositoryName.Default);
    });
  });
});
