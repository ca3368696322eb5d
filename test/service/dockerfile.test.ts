// The generated Dockerfile, read by a Dockerfile parser and linter: no warnings, the right stages, user, port and commands.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import dockerignoreModule from '@balena/dockerignore';
import type { Healthcheck } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import { generate } from '../support/generate.js';
import { copySourceProblems, execForm, instructionsOf, lint, projectPathOfImageFile, stagesOf } from './dockerfile.js';

// Its types declare an ES default export, but the package is CommonJS (module.exports = the factory).
const dockerignore = dockerignoreModule as unknown as typeof dockerignoreModule.default;

const VARIANTS = [
  {
    name: 'defaults',
    options: {},
    port: '3000',
    path: '/status',
    node: '24',
    health: { interval: '10s', timeout: '5s', 'start-period': '30s', retries: '2' },
  },
  {
    name: 'port 8080, /healthz, Node 22, faster checks',
    options: {
      port: '8080',
      'health-check-path': '/healthz',
      'node-version': '22',
      'health-check-interval': '10',
      'health-check-timeout': '3',
      'unhealthy-threshold': '3',
      'health-check-grace-period': '20',
    },
    port: '8080',
    path: '/healthz',
    node: '22',
    health: { interval: '10s', timeout: '3s', 'start-period': '20s', retries: '3' },
  },
];

describe.each(VARIANTS)('generated Dockerfile ($name)', (variant) => {
  const rendered = async () => {
    const result = await generate(variant.options);
    return { dir: result.cwd, content: readFileSync(path.join(result.cwd, 'Dockerfile'), 'utf8') };
  };

  it('passes dockerfile-utils with every rule on and no warnings', async () => {
    const { content } = await rendered();
    expect(lint(content)).toEqual([]);
  });

  it('builds in one stage and runs in another, both from the ECR Public mirror of the chosen Node line', async () => {
    const stages = stagesOf((await rendered()).content);
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    for (const stage of stages) expect(stage.image).toBe(`public.ecr.aws/docker/library/node:${variant.node}-slim`);
  });

  it('runs node itself as the non-root node user, exposes the port and checks health without curl', async () => {
    const runtime = stagesOf((await rendered()).content)[1];
    expect(instructionsOf(runtime, 'USER').map((i) => i.getArguments()[0].getValue())).toEqual(['node']);
    expect(instructionsOf(runtime, 'EXPOSE').map((i) => i.getArguments()[0].getValue())).toEqual([variant.port]);
    const [cmd] = instructionsOf(runtime, 'CMD');
    expect(execForm(cmd)).toEqual(['node', 'dist/src/server.js']);
    const [healthcheck] = instructionsOf(runtime, 'HEALTHCHECK') as Healthcheck[];
    expect(Object.fromEntries(healthcheck.getFlags().map((f) => [f.getName(), f.getValue()]))).toEqual(variant.health);
    const [program, flag, script] = execForm(healthcheck);
    expect([program, flag]).toEqual(['node', '-e']);
    expect(script).toContain(`'${variant.path}'`);
  });

  it('installs dependencies before copying the source, so a source change keeps the dependency layer', async () => {
    const build = stagesOf((await rendered()).content)[0];
    const keywords = build.instructions.map((i) => `${i.getKeyword()} ${i.getArguments()[0].getValue()}`);
    expect(keywords.indexOf('RUN npm')).toBeLessThan(keywords.indexOf('COPY src'));
    expect(keywords.indexOf('COPY package.json')).toBeLessThan(keywords.indexOf('RUN npm'));
  });

  it('copies only what exists once installed and built, and nothing .dockerignore excludes', async () => {
    const { dir, content } = await rendered();
    // Before `npm install` and `npm run build` exactly the lockfile and the compiled code are missing.
    expect(copySourceProblems(dir, content)).toEqual([
      'COPY package-lock.json: not in the repository',
      'COPY package-lock.json: not in the repository',
      'COPY --from=build /app/dist/src: dist/src is not built',
    ]);
    expect(projectPathOfImageFile(content, 'dist/src/server.js')).toBe('dist/src/server.js');
  });

  it('keeps node_modules, tests, git metadata and local secrets out of the build context', async () => {
    const { dir } = await rendered();
    const ignored = dockerignore().add(readFileSync(path.join(dir, '.dockerignore'), 'utf8'));
    for (const file of [
      'node_modules/express/index.js',
      'test/app.test.ts',
      '.git/HEAD',
      '.env',
      'dist/src/server.js',
    ]) {
      expect(ignored.ignores(file), file).toBe(true);
    }
    for (const file of ['package.json', 'package-lock.json', 'tsconfig.json', 'src/server.ts'])
      expect(ignored.ignores(file), file).toBe(false);
  });
});
