// The environments the pipeline promotes one image through, and the AWS names each one gets, decided once here for
// the validators, the templates and the scripts.

/** The environment a repository had before environments existed: it keeps the names it had then (stack
 * `<appName>-service`, ECS service, cluster, log group), so adding an environment before it never renames it. */
export const DEFAULT_ENVIRONMENT = 'production';

/** The list as given (`staging,production`), trimmed; empty entries dropped. */
export function environmentList(value: string | undefined): string[] {
  return (value ?? DEFAULT_ENVIRONMENT)
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/** What the names of one environment are made of. */
export interface NameInputs {
  appName: string;
  service: string;
  cluster: string;
  existingCluster: boolean;
}

export interface EnvironmentNames {
  name: string;
  /** The default environment (DEFAULT_ENVIRONMENT): today's names, unsuffixed. */
  original: boolean;
  /** '' for the default environment, `-<name>` for the others: appended to the service's and the cluster's names. */
  suffix: string;
  /** Its service stack. */
  stack: string;
  /** Its ECS service (with codedeploy also its CodeDeploy application and deployment group). */
  service: string;
  /** Its ECS cluster (the one existing cluster is shared by every environment). */
  cluster: string;
  /** Its container log group. */
  logGroup: string;
  /** Its pipeline stage: `Deploy` for the default or the only environment (so adding one renames no stage), else
   * `Deploy-<name>`. */
  stage: string;
  /** The namespace of its service stack action, whose outputs (ServiceUrl) the next smoke test reads. */
  namespace: string;
  /** The task definition file the build writes for it (codedeploy). */
  taskdef: string;
}

/** Every environment's names, in promotion order. */
export function environmentsOf(list: readonly string[], n: NameInputs): EnvironmentNames[] {
  return list.map((name) => {
    const original = name === DEFAULT_ENVIRONMENT;
    const suffix = original ? '' : `-${name}`;
    const service = `${n.service}${suffix}`;
    return {
      name,
      original,
      suffix,
      stack: original ? `${n.appName}-service` : `${n.appName}-${name}`,
      service,
      cluster: n.existingCluster ? n.cluster : `${n.cluster}${suffix}`,
      logGroup: `/ecs/${service}`,
      stage: original || list.length === 1 ? 'Deploy' : `Deploy-${name}`,
      namespace: `Service-${name}`,
      taskdef: original ? 'taskdef.json' : `taskdef-${name}.json`,
    };
  });
}
