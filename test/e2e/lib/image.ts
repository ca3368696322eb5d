// Builds images with buildah as the rig notes say: local base image only, Docker format, npm through the host's CA bundle.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** An npmrc that trusts the host's CA bundle, mounted at build time only (nothing lands in the image). */
function buildNpmrc(): string {
  const file = path.join(os.tmpdir(), 'bluegreen-e2e-npmrc');
  writeFileSync(file, `cafile=${CA_BUNDLE}\n`);
  return file;
}

/** Builds dir's Dockerfile (unmodified) into tag with layer caching; returns buildah's output. */
export async function buildImage(dir: string, tag: string, extra: string[] = []): Promise<string> {
  const { stdout, stderr } = await execFileAsync(
    'buildah',
    [
      'bud',
      '--layers',
      '--pull=never',
      '--format',
      'docker',
      '--runtime',
      'runc',
      '--network',
      'host',
      '-v',
      `${CA_BUNDLE}:${CA_BUNDLE}:ro`,
      '-v',
      `${buildNpmrc()}:/usr/local/etc/npmrc:ro`,
      ...extra,
      '-t',
      tag,
      dir,
    ],
    { encoding: 'utf8', timeout: 600_000, maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout + stderr;
}

/**
 * The steps of a build log with whether each came from the cache: buildah prints "[stage/stages] STEP n/m: INSTR"
 * and then "--> Using cache <id>" for a step it reused.
 */
export function buildSteps(log: string): { instruction: string; cached: boolean }[] {
  const steps: { instruction: string; cached: boolean }[] = [];
  for (const line of log.split('\n')) {
    const step = /^(?:\[\d+\/\d+\] )?STEP \d+\/\d+: (.*)$/.exec(line);
    if (step) steps.push({ instruction: step[1], cached: false });
    else if (line.startsWith('--> Using cache ') && steps.length > 0) steps[steps.length - 1].cached = true;
  }
  return steps;
}

export async function imageSize(tag: string): Promise<number> {
  const { stdout } = await execFileAsync('podman', ['image', 'inspect', '--format', '{{.Size}}', tag], {
    encoding: 'utf8',
  });
  return Number(stdout.trim());
}

/** The environment an image's config sets (its ENV lines, as a container of it starts with). */
export async function imageEnv(tag: string): Promise<Record<string, string>> {
  const { stdout } = await execFileAsync('podman', ['image', 'inspect', '--format', '{{json .Config.Env}}', tag], {
    encoding: 'utf8',
  });
  const env = JSON.parse(stdout) as string[] | null;
  return Object.fromEntries((env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}
