// The template checker must reject what AWS would reject: each broken template below fails for its one reason.
import { describe, expect, test } from 'vitest';
import { checkTemplate, parseTemplate } from '../support/cfn/check.js';

const GOOD = `
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  VpcId:
    Type: AWS::EC2::VPC::Id
  Retention:
    Type: Number
    Default: 30
    AllowedValues: [7, 30]
Conditions:
  Always: !Equals [!Ref "AWS::Region", !Ref "AWS::Region"]
Resources:
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Sub "/app/\${AWS::StackName}"
      RetentionInDays: !Ref Retention
  Group:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Condition: Always
    Properties:
      TargetType: ip
      Protocol: HTTP
      Port: 3000
      VpcId: !Ref VpcId
      HealthyThresholdCount: 4
      Matcher: { HttpCode: "200" }
      Tags:
        - Key: logs
          Value: !GetAtt Logs.Arn
  Check:
    Type: AWS::Route53::HealthCheck
    DependsOn: Logs
    Properties:
      HealthCheckConfig:
        Type: HTTP
        FullyQualifiedDomainName: example.com
        FailureThreshold: 3
Outputs:
  Url:
    Condition: Always
    Value: !Sub "\${Logs.Arn}/\${Group}"
`;

/** GOOD with one line replaced. */
function broken(from: string, to: string): string {
  expect(GOOD).toContain(from);
  return GOOD.replace(from, to);
}

describe('checkTemplate', () => {
  test('accepts a valid template', async () => {
    expect(await checkTemplate(GOOD)).toEqual([]);
  });

  test('rejects an unknown property', async () => {
    expect(
      await checkTemplate(broken('      TargetType: ip', '      TargetType: ip\n      HealthCheckPathh: /status')),
    ).toEqual([
      expect.stringMatching(/Resources\.Group\.Properties\.HealthCheckPathh: unknown property/),
      expect.stringMatching(/Resources\.Group\.Properties: must NOT have additional properties \(HealthCheckPathh\)/),
    ]);
  });

  test('rejects an unknown property of a nested type', async () => {
    const problems = await checkTemplate(broken('Matcher: { HttpCode: "200" }', 'Matcher: { HttpCodes: "200" }'));
    expect(problems).toContainEqual(expect.stringMatching(/Group\.Properties\.Matcher\.HttpCodes: unknown property/));
  });

  test('rejects an out-of-range threshold', async () => {
    const problems = await checkTemplate(broken('FailureThreshold: 3', 'FailureThreshold: 11'));
    expect(problems).toEqual([
      expect.stringMatching(/Check\.Properties\.HealthCheckConfig\.FailureThreshold: must be <= 10/),
    ]);
  });

  test('rejects a value outside an enum', async () => {
    const problems = await checkTemplate(broken('        Type: HTTP\n', '        Type: HTTP2\n'));
    expect(problems).toContainEqual(
      expect.stringMatching(/HealthCheckConfig\.Type: must be equal to one of the allowed values/),
    );
    expect(problems.every((p) => p.includes('HealthCheckConfig.Type'))).toBe(true);
  });

  test('rejects a missing required property', async () => {
    const problems = await checkTemplate(broken('        Type: HTTP\n', ''));
    expect(problems).toContainEqual(
      expect.stringMatching(/Check\.Properties\.HealthCheckConfig\.Type: required property is missing/),
    );
  });

  test('rejects a wrong primitive type', async () => {
    const problems = await checkTemplate(broken('Port: 3000', 'Port: "three thousand"'));
    expect(problems).toContainEqual(
      expect.stringMatching(/Group\.Properties\.Port: "three thousand" is not an integer/),
    );
  });

  test('rejects an unknown resource type', async () => {
    expect(await checkTemplate(broken('AWS::Logs::LogGroup', 'AWS::Logs::LogGroups'))).toContainEqual(
      expect.stringMatching(/Resources\.Logs: resource type AWS::Logs::LogGroups does not exist/),
    );
  });

  test('rejects a dangling !Ref', async () => {
    expect(await checkTemplate(broken('!Ref VpcId', '!Ref Vpc'))).toEqual([
      'Resources.Group: Vpc is neither a parameter, a resource nor a pseudo parameter',
      'Parameters.VpcId: never used',
    ]);
  });

  test('rejects a dangling ${} in !Sub, in both forms', async () => {
    expect(await checkTemplate(broken('${AWS::StackName}', '${StackName}'))).toEqual([
      'Resources.Logs: StackName is neither a parameter, a resource nor a pseudo parameter',
    ]);
    const longForm = broken('!Sub "/app/${AWS::StackName}"', '!Sub ["/app/${Name}-${Other}", { Name: !Ref VpcId }]');
    expect(await checkTemplate(longForm)).toEqual([
      'Resources.Logs: Other is neither a parameter, a resource nor a pseudo parameter',
    ]);
  });

  test('rejects a GetAtt of an attribute the resource type does not have', async () => {
    expect(await checkTemplate(broken('!GetAtt Logs.Arn', '!GetAtt Logs.Url'))).toEqual([
      'Resources.Group: AWS::Logs::LogGroup has no attribute Url (GetAtt Logs)',
    ]);
    expect(await checkTemplate(broken('${Logs.Arn}', '${Logs.Url}'))).toEqual([
      'Outputs.Url: AWS::Logs::LogGroup has no attribute Url (GetAtt Logs)',
    ]);
  });

  test('rejects unknown conditions and DependsOn targets', async () => {
    expect(
      await checkTemplate(
        broken('    Condition: Always\n    Properties:', '    Condition: Sometimes\n    Properties:'),
      ),
    ).toEqual([
      'Resources.Group: condition Sometimes does not exist',
      'Outputs.Url: Group exists only when Sometimes holds; refer to it inside Fn::If [Sometimes, ...] or under the same Condition',
    ]);
    expect(await checkTemplate(broken('DependsOn: Logs', 'DependsOn: [Logs, Nothing]'))).toEqual([
      'Resources.Check: DependsOn Nothing is not a resource',
    ]);
  });

  test('rejects a reference to a conditional resource where its condition may not hold', async () => {
    expect(await checkTemplate(broken('    Condition: Always\n    Value', '    Value'))).toEqual([
      'Outputs.Url: Group exists only when Always holds; refer to it inside Fn::If [Always, ...] or under the same Condition',
    ]);
    const guarded = broken(
      '    Condition: Always\n    Value: !Sub "${Logs.Arn}/${Group}"',
      '    Value: !If [Always, !Ref Group, !Ref Logs]',
    );
    expect(await checkTemplate(guarded)).toEqual([]);
  });

  test('rejects a parameter that nothing uses', async () => {
    expect(await checkTemplate(broken('      RetentionInDays: !Ref Retention', '      RetentionInDays: 30'))).toEqual([
      'Parameters.Retention: never used',
    ]);
  });

  test('rejects a circular dependency', async () => {
    const cyclic = broken('DependsOn: Logs', 'DependsOn: Logs').replace(
      '      RetentionInDays: !Ref Retention',
      '      RetentionInDays: !Ref Retention\n    DependsOn: Check',
    );
    expect(await checkTemplate(cyclic)).toEqual(['circular dependency: Logs -> Check -> Logs']);
  });

  test('rejects a parameter default its own constraints refuse', async () => {
    expect(await checkTemplate(broken('Default: 30', 'Default: 31'))).toEqual([
      'Parameters.Retention: Default 31 is not one of AllowedValues',
    ]);
  });

  test('rejects a read-only property set as input', async () => {
    expect(
      await checkTemplate(broken('      TargetType: ip', '      TargetType: ip\n      TargetGroupArn: x')),
    ).toContainEqual('Resources.Group.Properties.TargetGroupArn: read-only property (an attribute, not an input)');
  });

  test('reports YAML errors, duplicate keys included', async () => {
    expect(await checkTemplate(broken('      Port: 3000', '      Port: 3000\n      Port: 3001'))).toEqual([
      expect.stringMatching(/^YAML: .*unique/s),
    ]);
  });

  test('parses every short-form tag to its long form', () => {
    const t = parseTemplate(`
A: !Ref X
B: !GetAtt R.Attr.Nested
C: !Sub ["\${a}", { a: !ImportValue exp }]
D: !If [C, !Select [0, !GetAZs ""], !Join [",", !Split ["-", !Base64 x]]]
E: !And [!Not [!Condition C], !Or [!Equals [1, 1], !Condition D]]
F: !FindInMap [M, K, V]
`);
    expect(t).toEqual({
      A: { Ref: 'X' },
      B: { 'Fn::GetAtt': ['R', 'Attr.Nested'] },
      C: { 'Fn::Sub': ['${a}', { a: { 'Fn::ImportValue': 'exp' } }] },
      D: {
        'Fn::If': [
          'C',
          { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] },
          { 'Fn::Join': [',', { 'Fn::Split': ['-', { 'Fn::Base64': 'x' }] }] },
        ],
      },
      E: {
        'Fn::And': [{ 'Fn::Not': [{ Condition: 'C' }] }, { 'Fn::Or': [{ 'Fn::Equals': [1, 1] }, { Condition: 'D' }] }],
      },
      F: { 'Fn::FindInMap': ['M', 'K', 'V'] },
    });
  });
});
