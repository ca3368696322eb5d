// Changes CloudFormation cannot apply safely to a live service (a replaced target group, or one of the two between
// which traffic moves): a pure function of the previous and the new settings, so a regeneration warns before it writes
// (steps.ts decide()).
// - Replacing a target group (Port and VpcId are createOnlyProperties of the registry schema, "Update requires:
//   Replacement" in https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-elasticloadbalancingv2-targetgroup.html)
//   points the listener rules or listeners at the new, empty one with the template's weights, undoing the weights ECS or
//   CodeDeploy moved (https://github.com/aws/aws-cdk/issues/36649, https://github.com/aws/containers-roadmap/issues/2853).
// - With CodeDeploy, CodeDeploy owns the listeners' forward action: any update of a listener writes the template's back.
// - With CodeDeploy, the service itself may never change: CloudFormation sends the task definition, network configuration
//   and load balancers with every service update, and ECS rejects them for a CODE_DEPLOY service
//   (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html, https://github.com/aws/aws-cdk/issues/23564).
import { derive } from '../render/derive.js';
import { derivedOf } from '../render/render.js';
import { environmentList } from '../settings/environments.js';
import { traitsOf, type Traits } from '../settings/strategies.js';
import type { SettingName, Settings } from '../settings/declaration.js';

export interface LiveChangeWarning {
  /** The settings whose change causes it, each with its previous and new value. */
  changes: { setting: SettingName; from: unknown; to: unknown }[];
  /** What CloudFormation would do to the live service. */
  consequence: string;
  /** How to make the change safely. */
  procedure: string;
}

/** A kind of change the live service cannot take, and the settings that feed the resources concerned. */
interface Hazard {
  /** Whether the live service (the previous settings' strategy) is exposed. */
  exposed: (live: Traits) => boolean;
  /** What those resources see of the settings: the hazard is there when this differs. */
  sees: (s: Settings) => unknown;
  /** The settings `sees` reads, named in the warning when their value changed. */
  settings: readonly SettingName[];
  consequence: (live: Traits) => string;
  procedure: string;
}

const MAINTENANCE_WINDOW =
  'in a maintenance window, delete the service stack (the pipeline stack stays), then push the regenerated files: the ' +
  'next pipeline run creates the service again with the new value (README "Changing a setting"); or keep the old value';

/** What the templates see of the network: parameters (default, existing) or the network stack's exports. */
const network = (s: Settings) => ({ stack: s.network === 'new', privateTasks: derive(s).edge.privateTasks });

const HAZARDS: Hazard[] = [
  {
    // DeploymentController is a createOnlyProperty of AWS::ECS::Service in AWS's registry schema ("Update requires:
    // Replacement" in https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ecs-service-deploymentcontroller.html),
    // and "You can't perform an update that causes a custom-named resource to be replaced" (the service has its
    // ServiceName): https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html.
    exposed: () => true,
    sees: (s) => traitsOf(s.strategy).controller,
    settings: ['strategy'],
    consequence: (live) =>
      `the service's deployment controller changes (from ${live.controller}), which CloudFormation can only do by ` +
      'replacing the service, and it cannot replace a service with a fixed name: the next pipeline run fails at the ' +
      'service stack and rolls back',
    procedure: MAINTENANCE_WINDOW,
  },
  {
    // Rolling: one target group, which the listener forwards to. Replaced, the listener moves to the new, empty one
    // (the service DependsOn the listener, so it is updated before the service registers tasks there), and an Application
    // Load Balancer answers 503 while its target group has no registered target ("HTTP 503: Service unavailable" in
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html).
    exposed: (live) => !live.shiftsTraffic,
    sees: (s) => ({ port: s.port, vpc: s.network === 'new' }),
    settings: ['port', 'network'],
    consequence: () =>
      'CloudFormation replaces the target group (its Port and VpcId cannot change in place) and points the listener at ' +
      'the new, empty one before the service updates: requests fail (503) until the first new task there passes its ' +
      'health checks',
    procedure: MAINTENANCE_WINDOW,
  },
  {
    exposed: (live) => live.shiftsTraffic,
    sees: (s) => ({ port: s.port, vpc: s.network === 'new' }),
    settings: ['port', 'network'],
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
    // The listeners' protocol and certificate; a created certificate is replaced with its domain or hosted zone.
    exposed: (live) => live.codeDeploy,
    sees: (s) => {
      const { edge } = derive(s);
      return { https: edge.https, certificate: edge.createCertificate ? [s.domain, s.hostedZoneId] : s.certificateArn };
    },
    settings: ['domain', 'certificateArn', 'hostedZoneId'],
    consequence: () =>
      'CloudFormation updates the listeners and writes their forward action back to TargetGroup; after an odd number of CodeDeploy deployments production runs on AlternateTargetGroup, and TargetGroup has no tasks: requests fail (503) until the next deployment',
    procedure:
      'change it in two steps: push it only while the production listener forwards to TargetGroup; if it forwards to ' +
      'AlternateTargetGroup, run one more deployment first (README "Changing a setting" shows how to check)',
  },
  {
    exposed: (live) => live.codeDeploy,
    sees: (s) => ({
      desiredCount: s.autoscaling === 'off' ? s.desiredCount : 'autoscaling',
      deployment: [s.minHealthyPercent, s.maxPercent, s.healthCheckGracePeriod],
      loadBalancer: [s.containerName, s.port],
      network: network(s),
      names: [s.cluster, s.existingCluster, s.service],
    }),
    settings: [
      'desiredCount',
      'autoscaling',
      'minHealthyPercent',
      'maxPercent',
      'healthCheckGracePeriod',
      'containerName',
      'port',
      'network',
      'privateSubnets',
      'cluster',
      'existingCluster',
      'service',
    ],
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
  return HAZARDS.filter((hazard) => hazard.exposed(live) && !same(hazard.sees(previous), hazard.sees(next))).map(
    (hazard) => ({
      changes: hazard.settings
        // A setting that only starts or stops applying (undefined against false or '') is no change of its own.
        .filter((setting) => !same(previous[setting], next[setting]) && Boolean(previous[setting] || next[setting]))
        .map((setting) => ({ setting, from: previous[setting], to: next[setting] })),
      consequence: hazard.consequence(live),
      procedure: hazard.procedure,
    }),
  );
}

/**
 * The environments a regeneration takes out of the pipeline (issue 19): the run deletes nothing in AWS, so each one's
 * service stack, with its service, load balancer, log group and alarms, goes on running (and costing) until the user
 * deletes it. Said for each, with its names as the previous settings gave them and the commands, in the order that
 * works: the pipeline first (else its next run deploys the stage again), then the stack.
 */
export function removedEnvironmentLines(previous: Settings | undefined, next: Settings): string[] {
  if (!previous) return [];
  const kept = environmentList(next.environments);
  return derivedOf(previous)
    .environments.filter((e) => !kept.includes(e.name))
    .map(
      (e) =>
        `Environment ${e.name} leaves the pipeline, but nothing in AWS is deleted: its service stack ${e.stack} ` +
        `(ECS service ${e.service} in cluster ${e.cluster}, its load balancer, log group ${e.logGroup} and alarms) ` +
        `stays, about ${e.monthlyCost.toFixed(2)} USD a month, until you delete it: npm run deploy (the pipeline ` +
        `loses stage ${e.stage}), then npm run teardown -- --environment ${e.name}.` +
        overridesOf(previous, e.name),
    );
}

/** The settings stored for one environment, which leave .yo-rc.json with it. */
function overridesOf(previous: Settings, environment: string): string {
  const entries = Object.entries(previous.environmentSettings).filter(([key]) => key.startsWith(`${environment}.`));
  return entries.length > 0
    ? ` Its settings (${entries.map(([key, value]) => `${key}=${value}`).join(', ')}) are no longer stored.`
    : '';
}

/** The warnings as the run prints them, one line each, then what a removed environment leaves in AWS. */
export function liveChangeLines(previous: Settings | undefined, next: Settings): string[] {
  return [...hazardLines(previous, next), ...removedEnvironmentLines(previous, next)];
}

function hazardLines(previous: Settings | undefined, next: Settings): string[] {
  return liveChangeWarnings(previous, next).map((warning) => {
    const changes = warning.changes
      .map(({ setting, from, to }) => `${setting} ${JSON.stringify(from ?? '')} -> ${JSON.stringify(to ?? '')}`)
      .join(', ');
    return `Warning: ${changes}, once the ${previous!.strategy} service stack is deployed: ${warning.consequence}. Safe procedure: ${warning.procedure}.`;
  });
}
