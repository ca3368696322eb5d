import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../support/generate.js';

describe('generate with defaults', () => {
  it('writes package.json and .yo-rc.json', async () => {
    const result = await generate();
    const yoRc = JSON.parse(readFileSync(path.join(result.cwd, '.yo-rc.json'), 'utf8'));
    expect(yoRc['generator-bluegreen-ecs'].port).toBe(3000);
    result.assertFile(['package.json', 'infra/service.yml', '.dockerignore']);
  });
});
