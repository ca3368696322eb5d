#!/usr/bin/env node
// A stateful stand-in for the AWS CLI v2, for delivery/deploy.sh: the live service, its task definition, target group
// and load balancer are a JSON file ($FAKE_AWS_STATE) that the describe calls read and the modify calls change; every
// call is appended to $FAKE_AWS_LOG. Only what deploy.sh calls is served; anything else fails loudly.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';

const file = process.env.FAKE_AWS_STATE;
const state = JSON.parse(readFileSync(file, 'utf8'));
const args = process.argv.slice(2);
if (args[0] === '--version') {
  console.log('aws-cli/2.22.0 Python/3.12.6 Linux/6.8 exe/x86_64');
  process.exit(0);
}
appendFileSync(process.env.FAKE_AWS_LOG, `${JSON.stringify(args)}\n`);
const opt = (name) => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};
const region = opt('--region');
// Global options first (--region R, --output json, --no-cli-pager), then the service and its command.
let at = 0;
while (args[at]?.startsWith('--')) at += args[at] === '--no-cli-pager' ? 1 : 2;
const [service, command] = args.slice(at, at + 2);
/** Prints the answer, saves the state and exits. */
const out = (value) => {
  process.stdout.write(JSON.stringify(value));
  writeFileSync(file, JSON.stringify(state, null, 2));
  process.exit(0);
};
const here = region === state.region;
const svc = state.service;

function answer() {
  switch (`${service} ${command}`) {
    case 'ecs describe-services':
      if (!here || opt('--cluster') !== state.cluster || opt('--services') !== svc.serviceName)
        return out({ services: [], failures: [{ arn: 'x', reason: 'MISSING' }] });
      return out({ services: [svc], failures: [] });
    case 'ecs describe-task-definition':
      return out({ taskDefinition: state.taskDefinition });
    case 'elbv2 describe-target-groups':
      return out({ TargetGroups: [state.targetGroup] });
    case 'elbv2 describe-target-group-attributes':
      return out({ Attributes: state.attributes });
    case 'elbv2 describe-load-balancers':
      return out({ LoadBalancers: [state.loadBalancer] });
    case 'elbv2 modify-target-group': {
      const tg = state.targetGroup;
      const map = {
        '--health-check-path': ['HealthCheckPath', String],
        '--health-check-interval-seconds': ['HealthCheckIntervalSeconds', Number],
        '--health-check-timeout-seconds': ['HealthCheckTimeoutSeconds', Number],
        '--healthy-threshold-count': ['HealthyThresholdCount', Number],
        '--unhealthy-threshold-count': ['UnhealthyThresholdCount', Number],
      };
      for (const [flag, [key, type]] of Object.entries(map)) if (opt(flag) !== undefined) tg[key] = type(opt(flag));
      return out({ TargetGroups: [tg] });
    }
    case 'elbv2 modify-target-group-attributes': {
      const [, key, value] = /^Key=([^,]+),Value=(.*)$/.exec(opt('--attributes'));
      state.attributes = [...state.attributes.filter((a) => a.Key !== key), { Key: key, Value: value }];
      return out({ Attributes: state.attributes });
    }
    case 'ecs update-service': {
      if (opt('--health-check-grace-period-seconds') !== undefined)
        svc.healthCheckGracePeriodSeconds = Number(opt('--health-check-grace-period-seconds'));
      const config = opt('--deployment-configuration');
      if (config) {
        const m =
          /minimumHealthyPercent=(\d+),maximumPercent=(\d+),deploymentCircuitBreaker=\{enable=(\w+),rollback=(\w+)\}/.exec(
            config,
          );
        svc.deploymentConfiguration = {
          ...svc.deploymentConfiguration,
          minimumHealthyPercent: Number(m[1]),
          maximumPercent: Number(m[2]),
          deploymentCircuitBreaker: { enable: m[3] === 'true', rollback: m[4] === 'true' },
        };
      }
      return out({ service: svc });
    }
    case 'cloudformation deploy':
      state.stacks = { ...state.stacks, [opt('--stack-name')]: args.slice(args.indexOf('--parameter-overrides') + 1) };
      return out({});
    case 'cloudformation describe-stacks':
      if (!state.stacks?.[opt('--stack-name')]) {
        console.error(`An error occurred (ValidationError): Stack with id ${opt('--stack-name')} does not exist`);
        process.exit(254);
      }
      return out({ Stacks: [{ StackName: opt('--stack-name'), StackStatus: 'CREATE_COMPLETE' }] });
    case 'cloudformation describe-stack-resources':
      process.stdout.write(state.bucket ?? 'None');
      process.exit(0);
    // eslint-disable-next-line no-fallthrough -- process.exit above
    case 's3 rm':
      state.bucketEmptied = true;
      return out({});
    case 'cloudformation delete-stack':
      delete state.stacks[opt('--stack-name')];
      return out({});
    case 'cloudformation wait':
      return out({});
    default:
      console.error(`fake aws: unsupported call ${args.join(' ')}`);
      process.exit(255);
  }
}
answer();
