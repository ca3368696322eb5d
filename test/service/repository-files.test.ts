// The generated repository's own files around the service: package.json, CI workflow, Dependabot and README sections.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import dependencyVersions from '../../generators/app/core/render/dependency-versions/package.json' with { type: 'json' };
import { generate } from '../support/generate.js';

const read = (dir: string, file: string) => readFileSync(path.join(dir, file), 'utf8');

describe('generated repository files', () => {
  it('package.json pins the versions of dependency-versions/package.json and builds to dist/src/server.js', async () => {
    const { cwd } = await generate();
    const pkg = JSON.parse(read(cwd, 'package.json'));
    expect(pkg.dependencies).toEqual(dependencyVersions.dependencies);
    expect(pkg.devDependencies).toEqual(dependencyVersions.devDependencies);
    expect(pkg.type).toBe('module');
    expect(pkg.scripts).toMatchObject({ lint: 'eslint .', start: 'node dist/src/server.js' });
  });

  it('CI lints, tests and builds and starts the image on the Node line, port and health path chosen', async () => {
    const { cwd } = await generate({
      'node-version': '22',
      port: '8080',
      'health-check-path': '/healthz',
      branch: 'release/v2',
    });
    const ci = parse(read(cwd, '.github/workflows/ci.yml'));
    expect(ci.on.push.branches).toEqual(['release/v2']);
    expect(ci.permissions).toEqual({ contents: 'read' });
    const check = ci.jobs.check.steps;
    expect(check.find((s: { uses?: string }) => s.uses?.startsWith('actions/setup-node')).with['node-version']).toBe(
      '22',
    );
    expect(check.map((s: { run?: string }) => s.run).filter(Boolean)).toEqual(['npm ci', 'npm run lint', 'npm test']);
    const image = ci.jobs.image.steps.map((s: { run?: string }) => s.run ?? '').join('\n');
    expect(image).toContain('docker build');
    expect(image).toContain('127.0.0.1:8080/healthz');
  });

  it('Dependabot updates npm, the Docker base image and the Actions', async () => {
    const { cwd } = await generate();
    const config = parse(read(cwd, '.github/dependabot.yml'));
    expect(config.version).toBe(2);
    expect(config.updates.map((u: { 'package-ecosystem': string }) => u['package-ecosystem'])).toEqual([
      'npm',
      'docker',
      'github-actions',
    ]);
  });

  it('README explains running, testing, the health endpoint, adding a check and shutdown, with the generated values', async () => {
    const { cwd } = await generate({ port: '8080', 'health-check-path': '/healthz' });
    const readme = read(cwd, 'README.md');
    const headings = [...readme.matchAll(/^### (.+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual(
      expect.arrayContaining([
        'Run locally',
        'Test and lint',
        'The health endpoint',
        'Adding a dependency check',
        'How shutdown works, and why',
      ]),
    );
    expect(readme).toContain('curl http://localhost:8080/healthz');
    expect(readme).not.toMatch(/<%|%>/);
  });
});
