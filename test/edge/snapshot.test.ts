// Snapshots of what the production edge adds: infra/network.yml (public, and with private subnets), and the edge's
// resources and outputs of service.yml for a rolling and a blue/green service, compared as parsed structure.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseTemplate } from '../support/cfn/parse.js';
import { generate } from '../support/generate.js';
import { DOMAIN, ZONE } from './values.js';

const EDGE_RESOURCES = [
  'Certificate',
  'AliasRecord',
  'HttpRedirectListener',
  'Listener',
  'TestListener',
  'LoadBalancerSecurityGroup',
  'ScalableTarget',
  'ScalingPolicy',
  'TargetErrorsAlarm',
  'UnhealthyTargetsAlarm',
];

describe.each([
  { name: 'network new, public', options: { network: 'new' } },
  { name: 'network new, private subnets', options: { network: 'new', 'private-subnets': true } },
])('$name', ({ options }) => {
  test('infra/network.yml', async () => {
    const result = await generate({ 'app-name': 'shop', ...options });
    expect(parseTemplate(readFileSync(path.join(result.cwd, 'infra/network.yml'), 'utf8'))).toMatchSnapshot();
  });
});

describe.each([
  {
    name: 'rolling, HTTPS with a hosted zone, requests scaling',
    options: { strategy: 'rolling', autoscaling: 'requests' },
  },
  {
    name: 'blue-green, HTTPS with a hosted zone, requests scaling',
    options: { strategy: 'blue-green', autoscaling: 'requests' },
  },
])('$name', ({ options }) => {
  test("service.yml's edge resources and outputs", async () => {
    const result = await generate({ 'app-name': 'shop', domain: DOMAIN, 'hosted-zone-id': ZONE, ...options });
    const service = parseTemplate(readFileSync(path.join(result.cwd, 'infra/service.yml'), 'utf8'));
    const resources = Object.fromEntries(
      EDGE_RESOURCES.filter((id) => service.Resources?.[id]).map((id) => [id, service.Resources?.[id]]),
    );
    expect({ resources, outputs: service.Outputs }).toMatchSnapshot();
  });
});
