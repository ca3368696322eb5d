// Every template the production edge can emit passes the schema, reference and least-privilege checks and AWS's
// cfn-lint with no error and no warning. The product strategy x source x network x HTTPS x scaling (360 cases) is
// sampled so that every pair of values of any two axes occurs at least once (all-pairs), which covers every value.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { checkTemplate } from '../support/cfn/check.js';
import { checkPolicies } from '../support/cfn/iam.js';
import { CFN_LINT_AVAILABLE, cfnLintEach } from '../support/cfn/lint.js';
import { parseTemplate, type Template } from '../support/cfn/parse.js';
import { generate, tempDir } from '../support/generate.js';
import { readYoRc } from '../regenerate/support.js';
import { TLS_POLICY } from '../../generators/app/core/settings/aws-limits.js';
import { AXES, CASES, type Axis } from './cases.js';
import { CERTIFICATE, DOMAIN } from './values.js';
import { only } from '../delivery/render.js';

// Generated first, so that cfn-lint runs once over all the templates (it takes seconds to start) rather than once per case.
const generated: { files: string[]; region: string }[] = [];
let lint = new Map<string, string[]>();
const kept = tempDir('combinations-');
beforeAll(async () => {
  for (const [i, { options }] of CASES.entries()) {
    const { cwd } = await generate(options);
    // Copied out: the next generation removes this one's folder.
    const dir = path.join(kept, String(i), 'infra');
    mkdirSync(dir, { recursive: true });
    const files = ['service.yml', 'pipeline.yml', 'network.yml']
      .filter((f) => existsSync(path.join(cwd, 'infra', f)))
      .map((f) => {
        copyFileSync(path.join(cwd, 'infra', f), path.join(dir, f));
        return path.join(dir, f);
      });
    generated.push({ files, region: readYoRc(cwd).region as string });
  }
  if (CFN_LINT_AVAILABLE)
    lint = cfnLintEach(generated.flatMap(({ files, region }) => files.map((file) => ({ file, region }))));
}, 600_000);

const props = (t: Template, id: string) => {
  const r = t.Resources?.[id];
  if (!r) throw new Error(`no resource ${id}`);
  return r.Properties as Record<string, any>;
};

test('the sample covers every pair of values of any two axes, in fewer cases than the product', () => {
  const axes = Object.keys(AXES) as Axis[];
  const seen = new Set(CASES.flatMap(({ c }) => axes.flatMap((a) => axes.map((b) => `${a}=${c[a]},${b}=${c[b]}`))));
  for (const a of axes)
    for (const b of axes)
      for (const i of AXES[a].keys())
        for (const j of AXES[b].keys()) {
          if (a !== b) expect(seen.has(`${a}=${i},${b}=${j}`), `${a}=${i} with ${b}=${j}`).toBe(true);
        }
  expect(CASES.length).toBeLessThan(Object.values(AXES).reduce((n, v) => n * v.length, 1));
});

describe.each(CASES.map((c, i) => ({ ...c, i })))('$name', ({ options, c, i }) => {
  test('every template passes the schema, reference, IAM and cfn-lint checks, and carries its edge', async () => {
    const { files } = generated[i];
    const newNetwork = options.network === 'new';
    expect(files.length).toBe(newNetwork ? 3 : 2);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect([...(await checkTemplate(text)), ...(await checkPolicies(text))], file).toEqual([]);
    }
    if (CFN_LINT_AVAILABLE) for (const file of files) expect(lint.get(file), file).toEqual([]);

    const service = parseTemplate(readFileSync(files[0], 'utf8'));
    // The pipeline passes every parameter the service stack requires but the image, and only parameters it has.
    const pipeline = parseTemplate(readFileSync(files[1], 'utf8'));
    const project = only(pipeline, 'AWS::CodeBuild::Project').Properties;
    const passed = (project.Environment.EnvironmentVariables as { Name: string }[])
      .map((v) => v.Name)
      .filter((n) => n.startsWith('STACK_PARAMETER_'))
      .map((n) => n.slice('STACK_PARAMETER_'.length));
    for (const name of passed) expect(service.Parameters).toHaveProperty(name);
    const required = Object.entries(service.Parameters ?? {})
      .filter(([, p]) => !('Default' in p))
      .map(([name]) => name);
    expect([...passed, 'ImageUri']).toEqual(expect.arrayContaining(required));
    expect(passed.includes('NetworkStackName')).toBe(options.network === 'new');
    const listener = props(service, 'Listener');
    const https = c.https !== 0;
    // HTTPS: 443 with the current TLS policy, 80 redirects permanently, the URL output names the domain.
    expect(listener.Protocol).toBe(https ? 'HTTPS' : 'HTTP');
    expect(service.Parameters?.ListenerPort.Default).toBe(https ? 443 : 80);
    expect(listener.SslPolicy).toBe(https ? TLS_POLICY : undefined);
    expect(listener.Certificates).toEqual(
      https ? [{ CertificateArn: c.https === 1 ? { Ref: 'Certificate' } : CERTIFICATE }] : undefined,
    );
    expect('Certificate' in (service.Resources ?? {})).toBe(c.https === 1);
    expect('AliasRecord' in (service.Resources ?? {})).toBe(c.https === 1);
    expect(service.Resources?.HttpRedirectListener?.Properties?.DefaultActions).toEqual(
      https
        ? [
            {
              Type: 'redirect',
              RedirectConfig: { Protocol: 'HTTPS', Port: { 'Fn::Sub': '${ListenerPort}' }, StatusCode: 'HTTP_301' },
            },
          ]
        : undefined,
    );
    expect(service.Outputs?.ServiceUrl.Value).toEqual(
      https ? `https://${DOMAIN}` : { 'Fn::Sub': 'http://${LoadBalancer.DNSName}:${ListenerPort}' },
    );
    // The test listener keeps its protocol in step with production, and its reach: TestTrafficCidr only.
    const ingress = props(service, 'LoadBalancerSecurityGroup').SecurityGroupIngress as Record<string, unknown>[];
    const testRules = ingress.filter((r) => JSON.stringify(r.FromPort) === '{"Ref":"TestListenerPort"}');
    if (c.strategy === 0) {
      expect(testRules).toEqual([]);
    } else {
      expect(props(service, 'TestListener').Protocol).toBe(listener.Protocol);
      expect(testRules).toEqual([
        {
          IpProtocol: 'tcp',
          FromPort: { Ref: 'TestListenerPort' },
          ToPort: { Ref: 'TestListenerPort' },
          CidrIp: { Ref: 'TestTrafficCidr' },
        },
      ]);
    }
    const openPorts = ingress
      .filter((r) => r.CidrIp === '0.0.0.0/0' || r.CidrIpv6 === '::/0')
      .map((r) => JSON.stringify(r.FromPort));
    expect(new Set(openPorts)).toEqual(new Set(https ? ['{"Ref":"ListenerPort"}', '80'] : ['{"Ref":"ListenerPort"}']));

    // The network: imported from infra/network.yml, or parameters given at deploy time.
    const awsvpc = props(service, 'Service').NetworkConfiguration.AwsvpcConfiguration;
    if (newNetwork) {
      expect(service.Parameters).not.toHaveProperty('VpcId');
      const network = parseTemplate(readFileSync(files[2], 'utf8'));
      const privateTasks = options['private-subnets'] === true;
      expect('NatGateway' in (network.Resources ?? {})).toBe(privateTasks);
      expect(awsvpc.AssignPublicIp).toBe(privateTasks ? 'DISABLED' : 'ENABLED');
      expect(awsvpc.Subnets).toEqual({
        'Fn::Split': [
          ',',
          { 'Fn::ImportValue': { 'Fn::Sub': `\${NetworkStackName}-${privateTasks ? 'Private' : 'Public'}SubnetIds` } },
        ],
      });
      // Every export the service stack imports exists.
      const exports = Object.values(network.Outputs ?? {}).map((o: any) =>
        o.Export.Name['Fn::Sub'].replace('${AWS::StackName}', '${NetworkStackName}'),
      );
      const imports = [...JSON.stringify(service).matchAll(/"Fn::ImportValue":\{"Fn::Sub":"([^"]+)"\}/g)].map(
        (m) => m[1],
      );
      expect(imports.length).toBeGreaterThan(0);
      for (const name of imports) expect(exports).toContain(name);
    } else {
      expect(awsvpc).toEqual({
        AssignPublicIp: { Ref: 'AssignPublicIp' },
        Subnets: { Ref: 'TaskSubnetIds' },
        SecurityGroups: [{ 'Fn::GetAtt': ['TaskSecurityGroup', 'GroupId'] }],
      });
    }

    // Scaling: a scalable target and a target tracking policy; the stack then leaves the task count alone.
    const scaling = c.scaling !== 0;
    expect('ScalableTarget' in (service.Resources ?? {})).toBe(scaling);
    expect(props(service, 'Service').DesiredCount).toEqual(scaling ? undefined : { Ref: 'DesiredCount' });
    expect('DesiredCount' in (service.Parameters ?? {})).toBe(!scaling);
    if (scaling) {
      expect(props(service, 'ScalableTarget')).toMatchObject({
        MinCapacity: 3,
        MaxCapacity: 6,
        ScalableDimension: 'ecs:service:DesiredCount',
      });
      const tracking = props(service, 'ScalingPolicy').TargetTrackingScalingPolicyConfiguration;
      expect(tracking.TargetValue).toBe(c.scaling === 2 ? 70 : 1000);
      const metric = tracking.PredefinedMetricSpecification?.PredefinedMetricType ?? 'both target groups';
      expect(metric).toBe(
        c.scaling === 2
          ? 'ECSServiceAverageCPUUtilization'
          : c.strategy === 0
            ? 'ALBRequestCountPerTarget'
            : 'both target groups',
      );
    }
  });
});
