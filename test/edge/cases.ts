// The production edge's axes (strategy x source x network x HTTPS x scaling, 360 cases) and an all-pairs sample of
// them: every pair of values of any two axes occurs at least once, which covers every value. Shared by the tests that
// render every combination.
import { CERTIFICATE, DOMAIN, ZONE } from './values.js';

/** Each axis: its values as the flags that choose them. */
export const AXES = {
  strategy: ['rolling', 'blue-green', 'canary', 'linear', 'codedeploy'].map((strategy) => ({ strategy })),
  source: [{ source: 'connection' }, { source: 'codecommit', 'manual-approval': true }],
  network: [
    { network: 'default' },
    { network: 'existing' },
    { network: 'new' },
    { network: 'new', 'private-subnets': true },
  ],
  https: [{}, { domain: DOMAIN, 'hosted-zone-id': ZONE }, { domain: DOMAIN, 'certificate-arn': CERTIFICATE }],
  scaling: [{ autoscaling: 'off' }, { autoscaling: 'requests' }, { autoscaling: 'cpu', 'scaling-target': '70' }],
} satisfies Record<string, Record<string, unknown>[]>;

export type Axis = keyof typeof AXES;
export type Case = Record<Axis, number>;

/** Greedy all-pairs: picks, from the whole product, the case covering most uncovered pairs until every pair is covered. */
function allPairs(): Case[] {
  const axes = Object.keys(AXES) as Axis[];
  const product: Case[] = axes.reduce<Case[]>(
    (cases, axis) => cases.flatMap((c) => AXES[axis].map((_, i) => ({ ...c, [axis]: i }))),
    [{} as Case],
  );
  const pairsOf = (c: Case) => axes.flatMap((a, i) => axes.slice(i + 1).map((b) => `${a}=${c[a]},${b}=${c[b]}`));
  const uncovered = new Set(product.flatMap(pairsOf));
  const chosen: Case[] = [];
  while (uncovered.size > 0) {
    const best = product.reduce((top, c) =>
      pairsOf(c).filter((p) => uncovered.has(p)).length > pairsOf(top).filter((p) => uncovered.has(p)).length ? c : top,
    );
    for (const p of pairsOf(best)) uncovered.delete(p);
    chosen.push(best);
  }
  return chosen;
}

export const CASES = allPairs().map((c) => {
  const options = Object.assign(
    { 'app-name': 'shop' },
    ...(Object.keys(c) as Axis[]).map((axis) => AXES[axis][c[axis]]),
  );
  const name = (Object.keys(c) as Axis[]).map((axis) => `${axis}=${JSON.stringify(AXES[axis][c[axis]])}`).join(' ');
  return { name, options: options as Record<string, unknown>, c };
});
