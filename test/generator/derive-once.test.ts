// derive() runs once per settings object in a run: once on a first run, twice on a regeneration (base and new output).
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { derive } from '../../generators/app/core/render/derive.js';
import { runCore, tempDir } from '../support/generate.js';

vi.mock('../../generators/app/core/render/derive.js', async (original) => {
  const actual = await original<typeof import('../../generators/app/core/render/derive.js')>();
  return { ...actual, derive: vi.fn(actual.derive) };
});

describe('derive()', () => {
  it('runs once per settings object: templates, estimate and end message share it', async () => {
    const dir = path.join(tempDir(), 'svc');
    vi.mocked(derive).mockClear();
    expect((await runCore(dir)).status).toBe(0);
    expect(vi.mocked(derive)).toHaveBeenCalledTimes(1);
    vi.mocked(derive).mockClear();
    expect((await runCore(dir, { port: '8080' })).status).toBe(0);
    expect(vi.mocked(derive)).toHaveBeenCalledTimes(2);
  });
});
