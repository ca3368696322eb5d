// The rehearsal's ears: one UDP socket on 127.0.0.1 that receives the tasks' probe messages (fixtures/probe.mjs) and
// HAProxy's health check log, so SIGTERM can be placed right after a passing check and the moments compared.
import dgram from 'node:dgram';
import { once } from 'node:events';

interface TaskEvents {
  listeningAt?: number;
  closingAt?: number;
  inFlightAtClosing?: number;
  checks: { at: number; status: number }[];
}

export class Probe {
  private readonly tasks = new Map<string, TaskEvents>();
  /** When HAProxy logged "Server group/name is DOWN" (receipt times; a new target starts down too). */
  private readonly downAt = new Map<string, number[]>();
  private waiters: (() => void)[] = [];

  private constructor(private readonly socket: dgram.Socket) {
    socket.on('message', (buffer) => this.receive(buffer.toString()));
  }

  static async start(): Promise<Probe> {
    const socket = dgram.createSocket('udp4');
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    return new Probe(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  private task(name: string): TaskEvents {
    let events = this.tasks.get(name);
    if (!events) this.tasks.set(name, (events = { checks: [] }));
    return events;
  }

  private receive(message: string): void {
    const receivedAt = Date.now();
    if (message.startsWith('{')) {
      const m = JSON.parse(message) as { task: string; event: string; at: number; status?: number; inFlight?: number };
      const t = this.task(m.task);
      if (m.event === 'listening') t.listeningAt = m.at;
      if (m.event === 'closing') [t.closingAt, t.inFlightAtClosing] = [m.at, m.inFlight];
      if (m.event === 'check') t.checks.push({ at: m.at, status: m.status! });
    } else {
      // Syslog from HAProxy, e.g. "<133>Nov 26 ... haproxy[12]: Server blue/blue1 is DOWN, reason: ..."
      const down = /Server (\w+)\/(\S+) is DOWN/.exec(message);
      if (down) this.downAt.set(down[2], [...(this.downAt.get(down[2]) ?? []), receivedAt]);
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves when `condition` holds, re-checked at every message; rejects after timeoutMs. */
  private async until<T>(what: string, condition: () => T | undefined, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = condition();
      if (value !== undefined) return value;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`probe: no ${what} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  /** The moment of the next health check answered 200 by the task, after now. */
  nextPassingCheck(name: string, timeoutMs: number): Promise<number> {
    const seen = this.task(name).checks.length;
    return this.until(
      `passing check of ${name}`,
      () =>
        this.task(name)
          .checks.slice(seen)
          .find((c) => c.status === 200)?.at,
      timeoutMs,
    );
  }

  listening(name: string, timeoutMs: number): Promise<number> {
    return this.until(`listening of ${name}`, () => this.task(name).listeningAt, timeoutMs);
  }

  /** The first time HAProxy logged the target DOWN at or after `since`. */
  down(name: string, since: number, timeoutMs: number): Promise<number> {
    return this.until(
      `DOWN of ${name} in HAProxy's log`,
      () => this.downAt.get(name)?.find((at) => at >= since),
      timeoutMs,
    );
  }

  closing(name: string): { at?: number; inFlight?: number } {
    const t = this.task(name);
    return { at: t.closingAt, inFlight: t.inFlightAtClosing };
  }

  close(): void {
    this.socket.close();
  }
}
