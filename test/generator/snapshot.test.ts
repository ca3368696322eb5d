// Full-output snapshots: every file the generator writes, for the defaults and for custom settings.
import { describe, expect, it } from 'vitest';
import { generate, treeSnapshot } from '../support/generate.js';

describe('full output', () => {
  it('defaults', async () => {
    const result = await generate({ 'app-name': 'demo' });
    expect(treeSnapshot(result.cwd)).toMatchSnapshot();
  });

  it('custom settings', async () => {
    const result = await generate({
      'app-name': 'billing-api',
      region: 'eu-west-1',
      cluster: 'shared_cluster',
      service: 'billing',
      'container-name': 'web',
      'ecr-repository': 'team/billing',
      port: '8080',
      'health-check-path': '/healthz',
      'health-check-interval': '10',
      'health-check-timeout': '4',
      'healthy-threshold': '2',
      'unhealthy-threshold': '3',
      'deregistration-delay': '15',
      'desired-count': '2',
      'min-healthy-percent': '50',
      'max-percent': '150',
      cpu: '512',
      memory: '2048',
      'node-version': '22',
      source: 'codecommit',
      repository: 'billing',
      branch: 'release',
      'manual-approval': true,
    });
    expect(treeSnapshot(result.cwd)).toMatchSnapshot();
  });
});
