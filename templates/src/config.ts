// Runtime settings: the generated values are the defaults, environment variables override them (tests use short drains).

/** Values fixed when the repository was generated (see .yo-rc.json and the README's settings table). */
export const GENERATED = {
  appName: <%- JSON.stringify(appName) %>,
  port: <%- JSON.stringify(port) %>,
  healthCheckPath: <%- JSON.stringify(healthCheckPath) %>,
  /** Seconds the app keeps serving after SIGTERM: interval x unhealthy threshold + timeout + margin (README "How shutdown works"). */
  drainSeconds: <%- JSON.stringify(drainSeconds) %>,
  /** The task definition's stopTimeout: ECS sends SIGKILL this many seconds after SIGTERM. */
  stopTimeoutSeconds: <%- JSON.stringify(stopTimeout) %>,
  /** Above the load balancer's idle timeout, so the app never closes a connection the balancer is about to reuse. */
  keepAliveTimeoutMs: <%- JSON.stringify(keepAliveTimeoutMs) %>,
  /** Above keepAliveTimeoutMs, as Node requires for headersTimeout. */
  headersTimeoutMs: <%- JSON.stringify(headersTimeoutMs) %>,
  /** Below the load balancer's health check timeout, so a slow dependency cannot stall the health endpoint. */
  checkTimeoutMs: <%- JSON.stringify(checkTimeoutMs) %>,
} as const;

/** Seconds kept before ECS's SIGKILL for the forced exit to log and close connections. */
export const FORCED_EXIT_LEAD_SECONDS = 2;

export interface Config {
  appName: string;
  version: string;
  port: number;
  healthCheckPath: string;
  drainMs: number;
  /** After SIGTERM, the moment the app stops waiting for requests in flight and exits 1. */
  forcedExitMs: number;
  keepAliveTimeoutMs: number;
  headersTimeoutMs: number;
  checkTimeoutMs: number;
}

export class ConfigError extends Error {}

/** Plain variables the task definition sets (--env); their generated values serve local runs. */
export const ENVIRONMENT: Readonly<Record<string, string>> = <%- JSON.stringify(environment) %>;
/** Secrets ECS sets from SSM Parameter Store or Secrets Manager (--secret); no value is in any file. */
export const REQUIRED_SECRETS: readonly string[] = <%- JSON.stringify(edge.secretNames) %>;

/** The --env and --secret values; throws, naming every missing secret, so the task stops at once instead of failing later. */
export function loadSettings(env: NodeJS.ProcessEnv): Readonly<Record<string, string>> {
  const missing = REQUIRED_SECRETS.filter((name) => env[name] === undefined || env[name] === '');
  if (missing.length > 0) {
    throw new ConfigError(
      `missing secret(s) ${missing.join(', ')}: ECS sets them from the task definition's Secrets; to run locally, export them`,
    );
  }
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(ENVIRONMENT)) values[name] = env[name] ?? value;
  for (const name of REQUIRED_SECRETS) values[name] = env[name] ?? '';
  return values;
}

/** Reads the configuration from environment variables, falling back to the generated values. */
export function loadConfig(env: NodeJS.ProcessEnv, packageVersion = '0.0.0'): Config {
  const port = integer(env, 'PORT', GENERATED.port, 0, 65535);
  // Fractions of a second are allowed: rehearsals scale every time down.
  const drainSeconds = number(env, 'DRAIN_SECONDS', GENERATED.drainSeconds, 0, 3600, false);
  const stopTimeoutSeconds = number(env, 'STOP_TIMEOUT_SECONDS', GENERATED.stopTimeoutSeconds, 1, 3600, false);
  if (stopTimeoutSeconds - FORCED_EXIT_LEAD_SECONDS <= drainSeconds) {
    throw new ConfigError(
      `STOP_TIMEOUT_SECONDS (${String(stopTimeoutSeconds)}) must exceed DRAIN_SECONDS (${String(drainSeconds)}) by more than ${String(FORCED_EXIT_LEAD_SECONDS)} s, ` +
        'or requests in flight are cut when the drain ends',
    );
  }
  const keepAliveTimeoutMs = integer(env, 'KEEP_ALIVE_TIMEOUT_MS', GENERATED.keepAliveTimeoutMs, 1, 3_600_000);
  const headersTimeoutMs = integer(env, 'HEADERS_TIMEOUT_MS', GENERATED.headersTimeoutMs, 1, 3_600_000);
  if (headersTimeoutMs <= keepAliveTimeoutMs) {
    throw new ConfigError('HEADERS_TIMEOUT_MS must be greater than KEEP_ALIVE_TIMEOUT_MS');
  }
  return {
    appName: GENERATED.appName,
    version: env.APP_VERSION === undefined || env.APP_VERSION === '' ? packageVersion : env.APP_VERSION,
    port,
    healthCheckPath: GENERATED.healthCheckPath,
    drainMs: Math.round(drainSeconds * 1000),
    forcedExitMs: Math.round((stopTimeoutSeconds - FORCED_EXIT_LEAD_SECONDS) * 1000),
    keepAliveTimeoutMs,
    headersTimeoutMs,
    checkTimeoutMs: integer(env, 'CHECK_TIMEOUT_MS', GENERATED.checkTimeoutMs, 1, 120_000),
  };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  return number(env, name, fallback, min, max, true);
}

function number(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, whole: boolean): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || (whole && !Number.isInteger(value)) || value < min || value > max) {
    throw new ConfigError(`${name} must be ${whole ? 'an integer' : 'a number'} from ${String(min)} to ${String(max)}, got ${JSON.stringify(raw)}`);
  }
  return value;
}
