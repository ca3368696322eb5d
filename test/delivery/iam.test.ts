// The least-privilege checker must refuse each kind of over-broad statement.
import { describe, expect, test } from 'vitest';
import { checkPolicies } from '../support/cfn/iam.js';

/** A template with one role whose policy holds the given statements (YAML, indented for the Statement list). */
function role(statements: string): string {
  return `
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: ecs-tasks.amazonaws.com }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
${statements}`;
}

const SCOPED = `
              - Effect: Allow
                Action: ecr:PutImage
                Resource: !GetAtt Repo.Arn
              # ecr:GetAuthorizationToken has no resource to scope to.
              - Effect: Allow
                Action: ecr:GetAuthorizationToken
                Resource: "*"
              - Effect: Allow
                Action: iam:PassRole
                Resource: !Ref TaskRoleArn
                Condition:
                  StringEquals: { "iam:PassedToService": ecs-tasks.amazonaws.com }
`;

describe('checkPolicies', () => {
  test('accepts scoped statements and a commented wildcard for an unscopable action', async () => {
    expect(await checkPolicies(role(SCOPED))).toEqual([]);
  });

  test('refuses wildcard actions', async () => {
    expect(await checkPolicies(role(SCOPED.replace('Action: ecr:PutImage', 'Action: "*"')))).toContainEqual(
      'Role.Policies.p.Statement[0]: action * is a wildcard',
    );
    expect(await checkPolicies(role(SCOPED.replace('Action: ecr:PutImage', 'Action: ecr:*')))).toContainEqual(
      'Role.Policies.p.Statement[0]: action ecr:* is a wildcard',
    );
  });

  test('refuses Resource "*" for an action that can be scoped', async () => {
    expect(await checkPolicies(role(SCOPED.replace('Resource: !GetAtt Repo.Arn', 'Resource: "*"')))).toEqual([
      'Role.Policies.p.Statement[0]: ecr:PutImage can be scoped to a resource, yet Resource is "*"',
      'Role.Policies.p.Statement[0]: Resource "*" without a comment naming ecr:PutImage',
    ]);
  });

  test('refuses Resource "*" without a comment naming the action', async () => {
    expect(
      await checkPolicies(
        role(SCOPED.replace('# ecr:GetAuthorizationToken has no resource to scope to.', '# no reason given')),
      ),
    ).toEqual(['Role.Policies.p.Statement[1]: Resource "*" without a comment naming ecr:GetAuthorizationToken']);
  });

  test('refuses iam:PassRole on any role or without iam:PassedToService', async () => {
    expect(await checkPolicies(role(SCOPED.replace('Resource: !Ref TaskRoleArn', 'Resource: "*"')))).toContainEqual(
      'Role.Policies.p.Statement[2]: iam:PassRole on any role',
    );
    const unconditioned = SCOPED.replace(/\n {16}Condition:\n.*\n/, '\n');
    expect(await checkPolicies(role(unconditioned))).toEqual([
      'Role.Policies.p.Statement[2]: iam:PassRole without an iam:PassedToService condition',
    ]);
  });

  test('refuses actions and condition keys that do not exist', async () => {
    expect(await checkPolicies(role(SCOPED.replace('ecr:PutImage', 'ecr:PutImages')))).toEqual([
      'Role.Policies.p.Statement[0]: action ecr:PutImages does not exist',
    ]);
    expect(await checkPolicies(role(SCOPED.replace('"iam:PassedToService"', '"iam:PassedToServices"')))).toEqual([
      'Role.Policies.p.Statement[2]: iam:PassRole without an iam:PassedToService condition',
      'Role.Policies.p.Statement[2]: condition key iam:PassedToServices does not exist',
    ]);
  });
});
