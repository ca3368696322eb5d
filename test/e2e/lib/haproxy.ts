// HAProxy as a stand-in for an Application Load Balancer: target groups as backends, listener weights, a test listener,
// optional TLS with a redirect on the plain port; driven by the runtime API, health check results logged to the rehearsal.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Target group health check, already scaled to the rehearsal's time. */
export interface HealthCheck {
  path: string;
  intervalMs: number;
  timeoutMs: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
}

export const TARGET_GROUPS = ['blue', 'green'] as const;
export type TargetGroup = (typeof TARGET_GROUPS)[number];

export interface ListenerOptions {
  /** Production listener port; the test listener is port + 1, the plain-HTTP redirect (with TLS) port + 2. */
  port: number;
  check: HealthCheck;
  /** Percent of jitter on every check interval (HAProxy spread-checks: each interval is inter +/- this share). */
  jitterPercent: number;
  /** UDP port on 127.0.0.1 that receives HAProxy's health check log (server state changes). */
  logPort: number;
  /** PEM (certificate and key) for HTTPS on the production listener. */
  tlsPem?: string;
}

export class LoadBalancer {
  private constructor(
    private readonly process: ChildProcess,
    private readonly socket: string,
    private readonly mapFile: string,
    readonly options: ListenerOptions,
  ) {}

  get port(): number {
    return this.options.port;
  }

  get testPort(): number {
    return this.options.port + 1;
  }

  get redirectPort(): number {
    return this.options.port + 2;
  }

  static async start(dir: string, options: ListenerOptions): Promise<LoadBalancer> {
    const { port, check } = options;
    const socket = path.join(dir, 'admin.sock');
    const mapFile = path.join(dir, 'listener.map');
    // Permille of production traffic the green target group gets (the listener's weights); the rest goes to blue.
    writeFileSync(mapFile, 'green 0\n');
    const backend = (name: string) => [
      `backend ${name}`,
      '  balance roundrobin',
      `  option httpchk GET ${check.path}`,
      '  http-check expect status 200',
      `  timeout check ${check.timeoutMs}ms`,
      // Server state changes only (not traffic): the moment the balancer stops routing to a target.
      `  log 127.0.0.1:${options.logPort} local0`,
      '  option log-health-checks',
    ];
    const config = [
      'global',
      `  stats socket ${socket} mode 600 level admin`,
      '  maxconn 4096',
      `  spread-checks ${options.jitterPercent}`,
      'defaults',
      '  mode http',
      // An ALB does not retry a failed request on another target.
      '  retries 0',
      '  timeout connect 2s',
      '  timeout client 60s',
      '  timeout server 60s',
      'frontend listener',
      `  bind 127.0.0.1:${port}${options.tlsPem ? ` ssl crt ${options.tlsPem}` : ''}`,
      `  http-request set-var(txn.green) str(green),map_str_int(${mapFile},0)`,
      '  http-request set-var(txn.pick) rand(1000),sub(txn.green)',
      '  use_backend green if { var(txn.pick) -m int lt 0 }',
      '  default_backend blue',
      // The test listener: always the replacement (green) target group.
      'frontend test-listener',
      `  bind 127.0.0.1:${port + 1}`,
      '  default_backend green',
      ...(options.tlsPem
        ? ['frontend plain-http', `  bind 127.0.0.1:${port + 2}`, '  http-request redirect scheme https code 301']
        : []),
      ...TARGET_GROUPS.flatMap(backend),
      '',
    ].join('\n');
    const configFile = path.join(dir, 'haproxy.cfg');
    writeFileSync(configFile, config);
    const child = spawn('haproxy', ['-db', '-f', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const lb = new LoadBalancer(child, socket, mapFile, options);
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null) throw new Error(`haproxy exited: ${stderr}`);
      if (
        await lb.command('show info').then(
          () => true,
          () => false,
        )
      )
        return lb;
      await sleep(50);
    }
    throw new Error(`haproxy did not start: ${stderr}`);
  }

  /** One runtime API command; returns its answer. */
  command(line: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const conn = net.connect(this.socket);
      let out = '';
      conn.on('data', (d) => (out += d.toString()));
      conn.on('end', () => resolve(out));
      conn.on('error', reject);
      conn.end(`${line}\n`);
    });
  }

  /** Runs a command whose only answer on success is empty or a known acknowledgement. */
  private async expectOk(line: string): Promise<void> {
    const answer = (await this.command(line)).trim();
    if (answer && !/^(New server registered|Server deleted)\.?$/.test(answer))
      throw new Error(`haproxy "${line}": ${answer}`);
  }

  /** Registers a target that, like a new ALB target, gets no traffic until it passes `healthyThreshold` checks. */
  async register(group: TargetGroup, name: string, port: number): Promise<void> {
    const c = this.options.check;
    await this.expectOk(
      `add server ${group}/${name} 127.0.0.1:${port} weight 0 check inter ${c.intervalMs}ms ` +
        `fall ${c.unhealthyThreshold} rise ${c.healthyThreshold}`,
    );
    await this.expectOk(`enable health ${group}/${name}`);
    await this.expectOk(`enable server ${group}/${name}`);
    await this.expectOk(`set server ${group}/${name} health down`);
    await this.expectOk(`set weight ${group}/${name} 1`);
  }

  /** Deregistration: the target gets no new requests; those in flight finish (the ALB's draining state). */
  async drain(group: TargetGroup, name: string): Promise<void> {
    await this.expectOk(`set server ${group}/${name} state drain`);
  }

  async remove(group: TargetGroup, name: string): Promise<void> {
    await this.expectOk(`set server ${group}/${name} state maint`);
    await this.expectOk(`del server ${group}/${name}`);
  }

  /** `show stat` rows of a group's servers: status (UP, DOWN, "DOWN 1/4", DRAIN, MAINT...) and current sessions. */
  async servers(group: TargetGroup): Promise<Map<string, { status: string; sessions: number }>> {
    const [header, ...rows] = (await this.command('show stat')).trim().split('\n');
    const columns = header.replace(/^# /, '').split(',');
    const [pxname, svname, status, scur] = ['pxname', 'svname', 'status', 'scur'].map((c) => columns.indexOf(c));
    const result = new Map<string, { status: string; sessions: number }>();
    for (const row of rows.map((r) => r.split(','))) {
      if (row[pxname] === group && row[svname] !== 'BACKEND')
        result.set(row[svname], { status: row[status], sessions: Number(row[scur]) });
    }
    return result;
  }

  async status(group: TargetGroup): Promise<Map<string, string>> {
    return new Map([...(await this.servers(group))].map(([name, s]) => [name, s.status]));
  }

  /** Sets the share of production traffic the green target group gets, in percent (0.1 steps), as ECS shifts weights. */
  async shiftToGreen(percent: number): Promise<void> {
    await this.expectOk(`set map ${this.mapFile} green ${Math.round(percent * 10)}`);
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.kill('SIGTERM');
    await exited;
  }
}
