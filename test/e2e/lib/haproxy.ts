// HAProxy as a stand-in for an Application Load Balancer: target groups as backends, driven by the runtime API.
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

export class LoadBalancer {
  private constructor(
    private readonly process: ChildProcess,
    private readonly socket: string,
    private readonly mapFile: string,
    readonly port: number,
    private readonly check: HealthCheck,
  ) {}

  /** Starts HAProxy listening on 127.0.0.1:port, sending all traffic to the blue target group. */
  static async start(dir: string, port: number, check: HealthCheck): Promise<LoadBalancer> {
    const socket = path.join(dir, 'admin.sock');
    const mapFile = path.join(dir, 'listener.map');
    writeFileSync(mapFile, 'active blue\n');
    const backend = (name: string) => [
      `backend ${name}`,
      '  balance roundrobin',
      `  option httpchk GET ${check.path}`,
      '  http-check expect status 200',
      `  timeout check ${check.timeoutMs}ms`,
    ];
    const config = [
      'global',
      `  stats socket ${socket} mode 600 level admin`,
      '  maxconn 4096',
      'defaults',
      '  mode http',
      // An ALB does not retry a failed request on another target.
      '  retries 0',
      '  timeout connect 2s',
      '  timeout client 60s',
      '  timeout server 60s',
      'frontend listener',
      `  bind 127.0.0.1:${port}`,
      // The listener rule: one map entry names the target group that gets all traffic, switched at once.
      `  use_backend %[str(active),map(${mapFile},blue)]`,
      ...TARGET_GROUPS.flatMap(backend),
      '',
    ].join('\n');
    const configFile = path.join(dir, 'haproxy.cfg');
    writeFileSync(configFile, config);
    const child = spawn('haproxy', ['-db', '-f', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const lb = new LoadBalancer(child, socket, mapFile, port, check);
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null) throw new Error(`haproxy exited: ${stderr}`);
      if (await lb.command('show info').then(() => true, () => false)) return lb;
      await sleep(50);
    }
    throw new Error(`haproxy did not start: ${stderr}`);
  }

  /** One runtime API command; returns its answer. */
  command(line: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const conn = net.connect(this.socket);
      let out = '';
      conn.on('data', (d) => (out += d));
      conn.on('end', () => resolve(out));
      conn.on('error', reject);
      conn.end(`${line}\n`);
    });
  }

  /** Runs a command whose only answer on success is empty or a known acknowledgement. */
  private async expectOk(line: string): Promise<void> {
    const answer = (await this.command(line)).trim();
    if (answer && !/^(New server registered|Server deleted)\.?$/.test(answer)) throw new Error(`haproxy "${line}": ${answer}`);
  }

  /** Registers a target that, like a new ALB target, gets no traffic until it passes `healthyThreshold` checks. */
  async register(group: TargetGroup, name: string, port: number): Promise<void> {
    const c = this.check;
    await this.expectOk(
      `add server ${group}/${name} 127.0.0.1:${port} weight 0 check inter ${c.intervalMs}ms ` +
        `fall ${c.unhealthyThreshold} rise ${c.healthyThreshold}`,
    );
    await this.expectOk(`enable health ${group}/${name}`);
    await this.expectOk(`enable server ${group}/${name}`);
    await this.expectOk(`set server ${group}/${name} health down`);
    await this.expectOk(`set weight ${group}/${name} 1`);
  }

  async remove(group: TargetGroup, name: string): Promise<void> {
    await this.expectOk(`set server ${group}/${name} state maint`);
    await this.expectOk(`del server ${group}/${name}`);
  }

  /** Status column of `show stat` for each server of a group: UP, DOWN, "DOWN 1/4", DRAIN, MAINT... */
  async status(group: TargetGroup): Promise<Map<string, string>> {
    const [header, ...rows] = (await this.command('show stat')).trim().split('\n');
    const columns = header.replace(/^# /, '').split(',');
    const [pxname, svname, status] = ['pxname', 'svname', 'status'].map((c) => columns.indexOf(c));
    const result = new Map<string, string>();
    for (const row of rows.map((r) => r.split(','))) {
      if (row[pxname] === group && row[svname] !== 'BACKEND') result.set(row[svname], row[status]);
    }
    return result;
  }

  /** Moves all traffic to one target group at once, as a blue/green listener switch does. */
  async switchTo(group: TargetGroup): Promise<void> {
    await this.expectOk(`set map ${this.mapFile} active ${group}`);
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.kill('SIGTERM');
    await exited;
  }
}
