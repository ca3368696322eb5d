// The drain after SIGTERM and the cross-field rule on it: the health check settings must leave a drain that, with the
// shutdown margin, fits ECS's stopTimeout. Below the declaration (which validates with it) and derive (which uses it).
import { FARGATE_MAX_STOP_TIMEOUT } from './aws-limits.js';

/** Seconds kept between the end of the drain and the stop timeout, for requests in flight to finish and the app to exit. */
export const SHUTDOWN_MARGIN = 15;
/**
 * Share of each health check interval a check may come late: the ALB documents the interval as "the approximate amount
 * of time between health checks of an individual target" (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroup.html),
 * and each load balancer node checks on its own clock. The rehearsal runs HAProxy with this much jitter (spread-checks).
 */
export const CHECK_JITTER = 0.1;
/** Seconds for the failing checks' own duration (answered at once while draining) and the app's timer. */
export const CHECK_SLACK = 1;

/** The drain's terms, each in whole seconds, so the README and the error messages can show the arithmetic. */
export interface DrainTerms {
  /** interval x unhealthy threshold: the failed checks after the signal. */
  checks: number;
  /** A check already in flight when the signal arrives may still pass, up to the timeout later. */
  inFlightCheck: number;
  /** Jitter (CHECK_JITTER of each interval, rounded up) plus CHECK_SLACK. */
  margin: number;
  drainSeconds: number;
  stopTimeout: number;
}

/** What the drain depends on (a plain type: the declaration validates with it, so it must not depend on Settings). */
export interface HealthCheckTimes {
  healthCheckInterval: number;
  healthCheckTimeout: number;
  unhealthyThreshold: number;
}

/**
 * The drain is long enough for the load balancer to see the task fail in the worst phase: SIGTERM right after a check
 * started (which may still pass, up to the timeout later), then unhealthyThreshold checks, each an interval later, each
 * up to CHECK_JITTER late. stopTimeout adds SHUTDOWN_MARGIN for requests in flight when the drain ends.
 */
export function drainTerms(s: HealthCheckTimes): DrainTerms {
  const checks = s.healthCheckInterval * s.unhealthyThreshold;
  const inFlightCheck = s.healthCheckTimeout;
  const margin = Math.ceil(checks * CHECK_JITTER) + CHECK_SLACK;
  const drainSeconds = checks + inFlightCheck + margin;
  return { checks, inFlightCheck, margin, drainSeconds, stopTimeout: drainSeconds + SHUTDOWN_MARGIN };
}

/** Cross-field rule: the drain and the shutdown margin must fit ECS's stopTimeout maximum (no silent cap: a shorter drain loses requests). */
export function validateDrainFits(s: Partial<HealthCheckTimes>): true | string {
  if (s.healthCheckInterval === undefined || s.healthCheckTimeout === undefined || s.unhealthyThreshold === undefined)
    return true;
  const t = drainTerms(s as HealthCheckTimes);
  if (t.stopTimeout <= FARGATE_MAX_STOP_TIMEOUT) return true;
  return (
    `the drain these health check settings need (healthCheckInterval ${s.healthCheckInterval} x unhealthyThreshold ${s.unhealthyThreshold} ` +
    `+ healthCheckTimeout ${s.healthCheckTimeout} + margin ${t.margin} = ${t.drainSeconds} s) plus ${SHUTDOWN_MARGIN} s to finish requests ` +
    `is a stopTimeout of ${t.stopTimeout} s, above ECS's Fargate maximum of ${FARGATE_MAX_STOP_TIMEOUT} s: ` +
    'lower healthCheckInterval, unhealthyThreshold or healthCheckTimeout (a shorter drain would lose requests)'
  );
}
