// The first deploy has no image; ImageUri then starts the tasks. For CodeDeploy, CloudFormation may not change the
// task definition of the service, so there ImageUri must change nothing but the desired count.
import { describe, expect, it } from 'vitest';
import { only, render } from '../delivery/render.js';

const mentions = (value: unknown, name: string) => JSON.stringify(value).includes(`{"Ref":"${name}"}`);

describe('ImageUri on the first deploy and after', () => {
  it('codedeploy: the task definition does not depend on ImageUri, the desired count does', async () => {
    const r = await render({ strategy: 'codedeploy' });
    expect(mentions(only(r.service, 'AWS::ECS::TaskDefinition'), 'ImageUri')).toBe(false);
    const service = only(r.service, 'AWS::ECS::Service').Properties;
    expect(service.DesiredCount).toEqual({ 'Fn::If': ['HasImage', { Ref: 'DesiredCount' }, 0] });
    expect(r.text.readme).toContain('CloudFormation refuses to change the task definition');
  });

  it.each(['rolling', 'blue-green'])('%s: the task definition runs ImageUri once it is given', async (strategy) => {
    const r = await render({ strategy });
    expect(mentions(only(r.service, 'AWS::ECS::TaskDefinition'), 'ImageUri')).toBe(true);
    expect(r.text.readme).toContain('roll the service back to the image of the previous stack');
  });
});
