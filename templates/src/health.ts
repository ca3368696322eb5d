// The health report the load balancer reads: dependency checks run in parallel, each within its own timeout.
import { performance } from 'node:perf_hooks';

export interface Check {
  name: string;
  /** A failing critical check turns the endpoint 503 (the task is replaced); a failing non-critical one is only reported. */
  critical: boolean;
  /** Milliseconds before the check counts as failed; capped at the endpoint's budget. */
  timeoutMs?: number;
  /** Resolves when the dependency is usable (optionally with details to report); rejects when it is not. */
  run(signal: AbortSignal): Promise<Record<string, unknown> | undefined>;
}

export interface CheckResult {
  status: 'ok' | 'fail';
  critical: boolean;
  durationMs: number;
  details?: Record<string, unknown>;
  error?: string;
}

export interface HealthReport {
  status: 'ok' | 'degraded' | 'fail' | 'draining';
  version: string;
  uptimeSeconds: number;
  checks: Record<string, CheckResult>;
  /** Names of the failing critical checks. */
  failing?: string[];
}

export interface HealthOptions {
  version: string;
  /** Budget of the whole endpoint: below the load balancer's health check timeout. */
  budgetMs: number;
  /**
   * Milliseconds a report is reused (0: every call runs the checks). Calls in that window share one run, so a burst of
   * calls (several load balancer nodes, a monitor, a scan) costs the dependencies one check. Draining is never delayed.
   */
  maxAgeMs?: number;
}

export class Health {
  readonly #checks = new Map<string, Check>();
  readonly #options: HealthOptions;
  readonly #startedAt = performance.now();
  #draining = false;
  #last?: { at: number; report: Promise<HealthReport> };

  constructor(options: HealthOptions) {
    this.#options = options;
  }

  register(check: Check): this {
    if (this.#checks.has(check.name)) throw new Error(`a health check named ${check.name} is already registered`);
    this.#checks.set(check.name, check);
    return this;
  }

  /** From now on the endpoint answers 503 so that the load balancer stops routing to this task. */
  startDraining(): void {
    this.#draining = true;
  }

  get draining(): boolean {
    return this.#draining;
  }

  report(): Promise<HealthReport> {
    const now = performance.now();
    // A draining task skips its checks: the answer is 503 whatever they say.
    if (this.#draining) return Promise.resolve({ status: 'draining', ...this.#base(now), checks: {} });
    if (this.#last && now - this.#last.at < (this.#options.maxAgeMs ?? 0)) return this.#last.report;
    const report = this.#runChecks(now);
    this.#last = { at: now, report };
    return report;
  }

  #base(now: number) {
    return { version: this.#options.version, uptimeSeconds: Math.round((now - this.#startedAt) / 1000) };
  }

  async #runChecks(now: number): Promise<HealthReport> {
    const base = this.#base(now);
    const names = [...this.#checks.keys()];
    const results = await Promise.all([...this.#checks.values()].map((check) => this.#run(check)));
    const checks = Object.fromEntries(names.map((name, i) => [name, results[i]])) as Record<string, CheckResult>;
    const failing = names.filter((name) => checks[name].status === 'fail' && checks[name].critical);
    if (failing.length > 0) return { status: 'fail', ...base, checks, failing };
    const degraded = results.some((result) => result.status === 'fail');
    return { status: degraded ? 'degraded' : 'ok', ...base, checks };
  }

  async #run(check: Check): Promise<CheckResult> {
    const timeoutMs = Math.min(check.timeoutMs ?? this.#options.budgetMs, this.#options.budgetMs);
    const controller = new AbortController();
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        const error = new Error(`timed out after ${String(timeoutMs)} ms`);
        controller.abort(error);
        reject(error);
      }, timeoutMs);
    });
    const durationMs = () => Math.round(performance.now() - started);
    try {
      const details = await Promise.race([check.run(controller.signal), timedOut]);
      return { status: 'ok', critical: check.critical, durationMs: durationMs(), ...(details ? { details } : {}) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { status: 'fail', critical: check.critical, durationMs: durationMs(), error: message };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** HTTP status of a report: 503 takes the task out of the load balancer. */
export function statusCodeOf(report: HealthReport): 200 | 503 {
  return report.status === 'draining' || report.status === 'fail' ? 503 : 200;
}
