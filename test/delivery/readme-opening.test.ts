// The generated README opens with what `npm run deploy` creates, its monthly cost and the first deploy as a whole,
// then the settings; every price in it is one figure per item (aws-limits.ts PRICES), whatever section shows it.
import { describe, expect, it } from 'vitest';
import { NAT_GATEWAY_MONTHLY_USD, NAT_GATEWAY_PER_GB_USD } from '../../generators/app/core/settings/aws-limits.js';
import { render } from './render.js';

const headings = (readme: string) => [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
const money = (n: number) => `$${n.toFixed(2)}`;

describe.each([
  ['defaults', {}],
  ['network new with private subnets, codedeploy', { network: 'new', 'private-subnets': true, strategy: 'codedeploy' }],
])('the README opening (%s)', (_, options) => {
  it('comes first, before the settings, and its cost is the total of "What it costs"', async () => {
    const r = await render(options);
    expect(headings(r.text.readme).slice(0, 2)).toEqual(['What one command creates', 'Settings']);
    const total = /^\| \*\*total\*\* \| \| \*\*(\$[\d.]+)\*\* \|$/m.exec(r.text.readme)?.[1];
    expect(total).toBeDefined();
    expect(r.text.readme).toContain(`- **Cost**: about **${total} a month**`);
  });

  it('gives the first deploy as the sum of its steps, the task steps being the deployment estimate once', async () => {
    const r = await render(options);
    const { estimate } = r.derived as {
      estimate: {
        steps: { label: string; times: number; best: number; worst: number }[];
        firstDeploy: {
          steps: { label: string; best: number; worst: number }[];
          best: number;
          worst: number;
          range: string;
        };
      };
    };
    const first = estimate.firstDeploy;
    expect(r.text.readme).toContain(`- **First deploy**: about **${first.range}** as a whole`);
    const rows = [...r.text.readme.matchAll(/^\| ([^|*]+) \| (\d+) \| (\d+) \|$/gm)].map((m) => ({
      label: m[1],
      best: Number(m[2]),
      worst: Number(m[3]),
    }));
    expect(rows.map((row) => row.label)).toEqual(first.steps.map((step) => step.label));
    expect(rows.reduce((sum, row) => sum + row.best, 0)).toBe(first.best);
    expect(rows.reduce((sum, row) => sum + row.worst, 0)).toBe(first.worst);
    expect(r.text.readme).toContain(`| **total** | **${first.best}** | **${first.worst}** |`);
    for (const step of estimate.steps.slice(0, 2)) {
      expect(rows).toContainEqual({
        label: `first tasks: ${step.label}`,
        best: step.best / step.times,
        worst: step.worst / step.times,
      });
    }
  });

  it('prices the NAT gateway one way everywhere it is named', async () => {
    const r = await render(options);
    const monthly = [
      ...r.text.readme.matchAll(/\$(\d+\.\d\d)[^|\n]{0,40}(?:per gateway|NAT gateway and its address)/g),
    ];
    const natRow = /^\| NAT gateway of the private subnets.*\| (\$[\d.]+) \|$/m.exec(r.text.readme)?.[1];
    const figures = [...monthly.map((m) => `$${m[1]}`), ...(natRow ? [natRow] : [])];
    expect(figures.length).toBeGreaterThan(0);
    expect(new Set(figures)).toEqual(new Set([money(NAT_GATEWAY_MONTHLY_USD)]));
    const perGb = [...r.text.readme.matchAll(/\$([\d.]+) per GB/g)].map((m) => Number(m[1]));
    expect(new Set(perGb)).toEqual(new Set([NAT_GATEWAY_PER_GB_USD]));
  });
});
