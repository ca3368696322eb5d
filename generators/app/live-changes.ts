// Changes CloudFormation cannot apply safely to a live service that moves traffic between two target groups: a pure
// function of the previous and the new settings, so a regeneration warns before it writes (session.ts decide()).
// - Replacing a target group (Port and VpcId are createOnlyProperties of the registry schema, "Update requires:
//   Replacement" in https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-elasticloadbalancingv2-targetgroup.html)
//   points the listener rules or listeners at the new, empty one with the template's weights, undoing the weights ECS or
//   CodeDeploy moved (https://github.com/aws/aws-cdk/issues/36649, https://github.com/aws/containers-roadmap/issues/2853).
// - With CodeDeploy, CodeDeploy owns the listeners' forward action: any update of a listener writes the template's back.
// - With CodeDeploy, the service itself may never change: CloudFormation sends the task definition, network configuration
//   and load balancers with every service update, and ECS rejects them for a CODE_DEPLOY service
//   (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html, https://github.com/aws/aws-cdk/issues/23564).
import { derive } from './derive.js';
import { traitsOf, type Traits } from './strategies.js';
import type { SettingName, Settings } from './types.js';

export interface LiveChangeWarning {
  /** The settings whose change causes it, each with its previous and new value. */
  changes: { setting: SettingName; from: unknown; to: unknown }[];
  /** What CloudFormation would do to the live service. */
  consequence: string;
  /** How to make the change safely. */
  procedure: string;
}

/** Where the running service's traffic is, as the settings of the last generation decide it. */
interface Hazard {
  /** Whether the live service (the previous settings' strategy) is exposed. */
  exposed: (live: Traits) => boolean;
  /** Each setting that feeds the resources concerned, with what those resources see of it. */
  feeds: Partial<Record<SettingName, (s: Settings) => unknown>>;
  consequence: (live: Traits) => string;
  procedure: string;
}

const MAINTENANCE_WINDOW =
  'in a maintenance window, delete the service stack (the pipeline stack stays), then push the regenerated files: the ' +
  'next pipeline run creates the service again with the new value (README "Changing a setting"); or keep the old value';

/** What the template sees of the network: parameters (default, existing) or the network stack's exports. */
const networkStack = (s: Settings) => s.network === 'new';
const privateTasks = (s: Settings) => derive(s).edge.privateTasks;
/** The production and test listeners: protocol, port and certificate. */
const listenerEdge = (s: Settings) => {
  const { edge } = derive(s);
  return { https: edge.https, certificate: edge.createCertificate ? [s.domain, s.hostedZoneId] : s.certificateArn };
};

const HAZARDS: Hazard[] = [
  {
    exposed: (live) => live.shiftsTraffic,
    feeds: { port: (s) => s.port, network: networkStack },
    consequence: (live) =>
      'CloudFormation replaces both target groups (their Port and VpcId cannot change in place) and points ' +
      (live.ecsListenerRules ? 'the listener rules' : 'the listeners') +
      ' at the new, empty TargetGroup with the template weights, undoing where ' +
      (live.codeDeploy ? 'CodeDeploy' : 'ECS') +
      ' moved production traffic: requests fail (503) until tasks register there' +
      (live.codeDeploy ? ", and the update fails: a CodeDeploy service's load balancers cannot change" : ''),
    procedure: MAINTENANCE_WINDOW,
  },
  {
    exposed: (live) => live.codeDeploy,
    feeds: { domain: listenerEdge, certificateArn: listenerEdge, hostedZoneId: listenerEdge },
    consequence: () =>
      'CloudFormation updates the listeners and writes their forward action back to TargetGroup; after an odd number of CodeDeploy deployments production runs on AlternateTargetGroup, and TargetGroup has no tasks: requests fail (503) until the next deployment',
    procedure:
      'change it in two steps: push it only while the production listener forwards to TargetGroup; if it forwards to ' +
      'AlternateTargetGroup, run one more deployment first (README "Changing a setting" shows how to check)',
  },
  {
    exposed: (live) => live.codeDeploy,
    feeds: {
      desiredCount: (s) => (s.autoscaling === 'off' ? s.desiredCount : undefined),
      autoscaling: (s) => s.autoscaling !== 'off',
      minHealthyPercent: (s) => s.minHealthyPercent,
      maxPercent: (s) => s.maxPercent,
      healthCheckGracePeriod: (s) => s.healthCheckGracePeriod,
      containerName: (s) => s.containerName,
      port: (s) => s.port,
      network: networkStack,
      privateSubnets: privateTasks,
      cluster: (s) => s.cluster,
      existingCluster: (s) => s.existingCluster,
      service: (s) => s.service,
    },
    consequence: () =>
      "the CodeDeploy service's own properties change, and CloudFormation sends its task definition, network configuration and load balancers with every service update, which ECS rejects for a CodeDeploy service: the next pipeline run fails at the service stack and rolls back",
    procedure: MAINTENANCE_WINDOW,
  },
];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The warnings a regeneration from `previous` to `next` deserves before it writes; none on a first run. */
export function liveChangeWarnings(previous: Settings | undefined, next: Settings): LiveChangeWarning[] {
  if (!previous) return [];
  const live = traitsOf(previous.strategy);
  return HAZARDS.filter((hazard) => hazard.exposed(live)).flatMap((hazard) => {
    const changes = (Object.entries(hazard.feeds) as [SettingName, (s: Settings) => unknown][])
      .filter(([, seen]) => !same(seen(previous), seen(next)))
      .map(([setting]) => ({ setting, from: previous[setting], to: next[setting] }));
    return changes.length === 0
      ? []
      : [{ changes, consequence: hazard.consequence(live), procedure: hazard.procedure }];
  });
}

/** The warnings as the run prints them, one line each. */
export function liveChangeLines(previous: Settings | undefined, next: Settings): string[] {
  return liveChangeWarnings(previous, next).map((warning) => {
    const changes = warning.changes
      .map(({ setting, from, to }) => `${setting} ${JSON.stringify(from ?? '')} -> ${JSON.stringify(to ?? '')}`)
      .join(', ');
    return `Warning: ${changes} on a live ${previous!.strategy} service: ${warning.consequence}. Safe procedure: ${warning.procedure}.`;
  });
}
