// The first fill of a scope group, end to end with the built CLI and the in-process simulator: a group
// with no members at export and at least FIRST_FILL_MIN to add is marked in the plan (firstFill) and
// filled by one Update-DistributionGroupMember after apply checked it is still empty; a group that
// had a member is filled one Add each, its member kept. Either way the next plan has nothing to do.
// The generated repository is the benchmark's (test/bench/generate.mjs): N mail users, a scope group
// of N members. The script's own branches (not empty any more; more than the bulk size) run in both
// hosts in test/simulator/host-pwsh/pacing.test.ts.
import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIRST_FILL_MIN } from '../../src/plan/diff-scopes.js';
import { generateConfig, generateSnapshots } from '../bench/generate.mjs';

const root = new URL('../../', import.meta.url).pathname;
const cli = join(root, 'dist/cli/main.js');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function workspace(n: number, members: (all: string[]) => string[]) {
  if (!existsSync(cli)) throw new Error('build first: npm run build (npm test does it)');
  const dir = mkdtempSync(join(tmpdir(), 'exo-first-fill-'));
  dirs.push(dir);
  generateConfig(join(dir, 'config'), n);
  generateSnapshots(join(dir, 'tenants'), n, 0, { layout: 'document' });
  const file = join(dir, 'tenants', 'contoso.json');
  const contoso = JSON.parse(readFileSync(file, 'utf8'));
  contoso.DistributionGroup[0].Members = members(contoso.DistributionGroup[0].Members);
  writeFileSync(file, JSON.stringify(contoso, null, 2));
  const metrics = join(dir, 'metrics.json');
  const env = {
    PATH: process.env.PATH ?? '',
    EXO_GITOPS_PWSH: 'exo-gitops-sim:in-process',
    EXO_SIM_STATE: join(dir, 'tenants'),
    EXO_SIM_METRICS: metrics,
    CONTOSO_EXO_TOKEN: 't',
    NORTHWIND_EXO_TOKEN: 't',
    NORTHWIND_MIGRATION_APP_SECRET: 's',
  };
  const run = async (args: string[]) => {
    const r = await execa(process.execPath, [cli, ...args], { cwd: dir, env, extendEnv: false, reject: false });
    return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  };
  const calls = (): Record<string, number> => (existsSync(metrics) ? JSON.parse(readFileSync(metrics, 'utf8')).calls : {});
  const group = (): string[] => JSON.parse(readFileSync(file, 'utf8')).DistributionGroup[0].Members;
  return { run, calls, group };
}

const N = 150;

describe('first fill of a scope group', { timeout: 120_000 }, () => {
  it(`an empty group and ${N} members to add: marked firstFill, one Update after the check, no Add; nothing left to do`, async () => {
    expect(N).toBeGreaterThanOrEqual(FIRST_FILL_MIN);
    const w = workspace(N, () => []);
    const planned = await w.run(['plan', '--dir', 'config', '--state', 'tenants', '--format', 'json', '--out', 'plan.json']);
    expect(planned.exitCode, planned.stderr).toBe(2);
    const plan = JSON.parse(readFileSync(join(dirs[0]!, 'plan.json'), 'utf8'));
    const add = plan.tenants.flatMap((t: any) => t.actions).find((a: any) => a.id.endsWith('#add-members'));
    expect(add.parameters).toEqual({ firstFill: true });
    expect(add.changes[0].add).toHaveLength(N);
    const applied = await w.run(['apply', '--dir', 'config', '--state', 'tenants', '--plan', 'plan.json', '--yes', '--request-budget', 'off', '--concurrency', '2']);
    expect(applied.exitCode, applied.stderr + applied.stdout).toBe(0);
    expect(w.calls()).toMatchObject({ 'Get-DistributionGroupMember': 1, 'Update-DistributionGroupMember': 1 });
    expect(w.calls()['Add-DistributionGroupMember']).toBeUndefined();
    expect(w.group()).toHaveLength(N);
    const again = await w.run(['plan', '--dir', 'config', '--state', 'tenants']);
    expect(again.stdout).toContain('No changes');
    expect(again.exitCode).toBe(0);
  });

  it('a group that had a member: no mark, one Add per missing member, the member kept', async () => {
    const w = workspace(N, (all) => all.slice(0, 1));
    const planned = await w.run(['plan', '--dir', 'config', '--state', 'tenants', '--format', 'json']);
    const add = JSON.parse(planned.stdout).tenants.flatMap((t: any) => t.actions).find((a: any) => a.id.endsWith('#add-members'));
    expect(add.parameters).toBeUndefined();
    const applied = await w.run(['apply', '--dir', 'config', '--state', 'tenants', '--yes']);
    expect(applied.exitCode, applied.stderr + applied.stdout).toBe(0);
    expect(w.calls()).toMatchObject({ 'Add-DistributionGroupMember': N - 1 });
    expect(w.calls()['Update-DistributionGroupMember']).toBeUndefined();
    expect(w.group()).toHaveLength(N);
  });
});
