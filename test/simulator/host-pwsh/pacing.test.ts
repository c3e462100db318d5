// The token bucket of the generated scripts (powershell/retry.ts) in real pwsh 7.6.9 with the stand-in
// module, and in the embedded host with real sleeps (EXO_SIM_SLEEP_SCALE=1), against the simulator's
// budget (EXO_SIM_THROTTLE_BUDGET): paced to the same budget, no call is throttled and every step
// succeeds; not paced, the same script runs into throttling (the check can fail). No timing is
// asserted: a slower machine only spreads the calls more. Also the first fill of a scope group in both
// hosts (apply-script.ts, firstFill): the first 1,000 members in one Update when the group is still
// empty and the rest one Add each; everything one Add each when it is not, its member kept.
import { execa } from 'execa';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planAction, type Action, type TenantPlan } from '../../../src/model/plan.js';
import { renderApplyScript, type ApplyScriptOptions } from '../../../src/powershell/apply-script.js';
import { PWSH, ROOT, SIMULATOR, realPwshEnv, realPwshUnavailable } from '../../support/real-pwsh.js';
import { generateSnapshots } from '../../bench/generate.mjs';

const EXAMPLE_STATE = join(ROOT, 'examples/contoso-northwind/state');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const temp = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'exo-pacing-'));
  dirs.push(dir);
  return dir;
};

type Host = 'pwsh' | 'embedded';

interface Run {
  steps: { exoGitopsStep: string; status: string; error?: string }[];
  metrics: { calls: Record<string, number>; throttled?: Record<string, number> };
  state: (tenant: string) => any;
  stderr: string;
}

/** Runs the script on a copy of `state` in one host. */
async function run(host: Host, script: string, state: string, env: Record<string, string> = {}): Promise<Run> {
  const dir = temp();
  const tenants = join(dir, 'tenants');
  cpSync(state, tenants, { recursive: true });
  const file = join(dir, 'apply.ps1');
  writeFileSync(file, script);
  const metrics = join(dir, 'metrics.json');
  const options = { env: realPwshEnv(tenants, { NO_COLOR: '1', TOKEN: 'token', EXO_SIM_METRICS: metrics, EXO_SIM_SLEEP_SCALE: '1', ...env }), extendEnv: false, reject: false, timeout: 110_000 } as const;
  const args = ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', file];
  const r = host === 'pwsh' ? await execa(PWSH, args, options) : await execa(process.execPath, [SIMULATOR, ...args], options);
  return {
    steps: String(r.stdout).split('\n').filter((l) => l.includes('"exoGitopsStep"')).map((l) => JSON.parse(l)),
    metrics: existsSync(metrics) ? JSON.parse(readFileSync(metrics, 'utf8')) : { calls: {} },
    state: (tenant) => JSON.parse(readFileSync(join(tenants, `${tenant}.json`), 'utf8')),
    stderr: String(r.stderr),
  };
}

const tenantPlan = (name: string, organization: string, actions: Action[]): TenantPlan => ({ tenant: name, organization, connection: { accessTokenEnv: 'TOKEN' }, role: 'target', actions });

/** 12 steps of one Set-MailUser each, over the example's four cloud mail users. */
const TWELVE = tenantPlan(
  'northwind',
  'northwindtraders.onmicrosoft.com',
  Array.from({ length: 12 }, (_, i) => planAction({ tenant: 'northwind', kind: 'MailUser', identity: ['LaraN', 'BiancaP', 'MeganB', 'AdeleV'][i % 4]!, action: 'update', changes: [{ field: `CustomAttribute${Math.floor(i / 4) + 2}`, before: '', after: `paced ${i}` }], dependsOn: [] })),
);
const BUDGET = { requests: 4, windowMs: 1500 };
const FAST_RETRY: ApplyScriptOptions = { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 };

describe.skipIf(realPwshUnavailable() !== null)('generated scripts keep to the request budget', { timeout: 120_000 }, () => {
  for (const host of ['pwsh', 'embedded'] as const) {
    it(`${host}: paced to 4 calls per 1.5 s, none of 12 calls is throttled by the same budget and every step succeeds`, async () => {
      const r = await run(host, renderApplyScript(TWELVE, { ...FAST_RETRY, budget: BUDGET }), EXAMPLE_STATE, { EXO_SIM_THROTTLE_BUDGET: '4/1500ms' });
      expect(r.steps.map((s) => s.status), r.stderr).toEqual(Array(12).fill('succeeded'));
      expect(r.metrics.calls['Set-MailUser']).toBe(12);
      expect(r.metrics.throttled ?? {}).toEqual({});
      const lara = r.state('northwind').MailUser.find((u: any) => u.Alias === 'LaraN');
      expect([lara.CustomAttribute2, lara.CustomAttribute3, lara.CustomAttribute4]).toEqual(['paced 0', 'paced 4', 'paced 8']);
    });
  }

  it('pwsh: not paced, the same 12 calls run into the budget (the check can fail)', async () => {
    const r = await run('pwsh', renderApplyScript(TWELVE, { ...FAST_RETRY, budget: null }), EXAMPLE_STATE, { EXO_SIM_THROTTLE_BUDGET: '4/1500ms' });
    expect(Object.values(r.metrics.throttled ?? {}).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });
});

describe.skipIf(realPwshUnavailable() !== null)('the first fill of a scope group in both hosts', { timeout: 120_000 }, () => {
  const fill = (members: string[]): string =>
    renderApplyScript(
      tenantPlan('contoso', 'contoso.onmicrosoft.com', [
        planAction({ tenant: 'contoso', kind: 'DistributionGroup', identity: 'T2T-Scope', step: 'add-members', action: 'update', changes: [{ field: 'Members', add: members }], dependsOn: [], parameters: { firstFill: true } }),
      ]),
      { budget: null },
    );

  /** The benchmark's contoso with 1,005 mailboxes; its scope group holding `members`. */
  function state(members: (all: string[]) => string[]): { dir: string; all: string[] } {
    const dir = temp();
    generateSnapshots(dir, 1005, 0, { layout: 'document' });
    const file = join(dir, 'contoso.json');
    const contoso = JSON.parse(readFileSync(file, 'utf8'));
    const all: string[] = contoso.DistributionGroup[0].Members;
    contoso.DistributionGroup[0].Members = members(all);
    writeFileSync(file, JSON.stringify(contoso, null, 2));
    rmSync(join(dir, 'northwind.json'));
    return { dir, all };
  }

  for (const host of ['pwsh', 'embedded'] as const) {
    it(`${host}: still empty, 1,005 members: one Update of the first 1,000, then 5 Adds`, async () => {
      const { dir, all } = state(() => []);
      const r = await run(host, fill(all), dir);
      expect(r.steps.map((s) => `${s.status}${s.error ? `: ${s.error}` : ''}`), r.stderr).toEqual(['succeeded']);
      expect(r.metrics.calls).toMatchObject({ 'Get-DistributionGroupMember': 1, 'Update-DistributionGroupMember': 1, 'Add-DistributionGroupMember': 5 });
      expect(r.state('contoso').DistributionGroup[0].Members).toEqual(all);
    });

    it(`${host}: no longer empty (a member came since the plan): one Add each, the member kept`, async () => {
      const { dir, all } = state((list) => [list[1004]!]);
      const r = await run(host, fill(all.slice(0, 3)), dir);
      expect(r.steps.map((s) => s.status), r.stderr).toEqual(['succeeded']);
      expect(r.metrics.calls['Update-DistributionGroupMember']).toBeUndefined();
      expect(r.metrics.calls).toMatchObject({ 'Get-DistributionGroupMember': 1, 'Add-DistributionGroupMember': 3 });
      expect(r.state('contoso').DistributionGroup[0].Members).toEqual([all[1004], ...all.slice(0, 3)]);
    });
  }
});
