// The plan's lower bound (test/bench/plan-bound.mjs) measures what it says only if each of its steps
// reads every document and every recipient the plan reads: checked on a small generated repository.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateConfig, generateSnapshots } from './generate.mjs';

const script = new URL('./plan-bound.mjs', import.meta.url).pathname;
const floorScript = new URL('./measure-validate.mjs', import.meta.url).pathname;

describe('plan-bound.mjs', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'exo-plan-bound-'));
    generateConfig(join(dir, 'config'), 300);
    generateSnapshots(join(dir, 'state'), 300);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['keep', 'keep2', 'stream2'])('%s reads every YAML document the floor reads, and both tenants', (mode) => {
    const floor = JSON.parse(execFileSync(process.execPath, [floorScript, 'floor', join(dir, 'config'), join(dir, 'state')], { encoding: 'utf8' })) as { documents: number };
    const [documents, tenants] = execFileSync(process.execPath, [script, '--step', mode, dir], { encoding: 'utf8' }).trim().split(' ').map(Number);
    expect(floor.documents).toBeGreaterThan(300);
    expect(documents).toBe(floor.documents);
    expect(tenants).toBe(2);
  });
});
