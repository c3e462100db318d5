// One bad value fails one action: a value PowerShell cannot take (a NUL from live data) makes its
// action a step that reports `failed`, naming tenant, kind, identity and reason, while the other
// actions of the tenant still run; a field exo-gitops never writes still refuses the whole plan.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan, type StepResult } from '../../src/apply/apply.js';
import type { Action, TenantPlan } from '../../src/model/plan.js';
import { renderApplyScript, UnsupportedChangeError } from '../../src/powershell/apply-script.js';
import { powershellParser, syntaxErrors } from '../support/powershell-grammar.js';
import { EVERY_ACTION, EVERY_ACTION_TENANT, planOf } from './every-action.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const SIMULATOR = join(ROOT, 'dist/simulator/main.js');
const PWSH = join(ROOT, '.tools/pwsh');

const NUL_MESSAGE = 'northwind/MailUser/LaraN: CustomAttribute1 holds a NUL character (U+0000), which cannot be passed to PowerShell';

const withNul = (action: Action): Action => ({
  ...action,
  changes: action.changes.map((c) => (c.field === 'CustomAttribute1' ? { ...c, after: 'Cross-Tenant\u0000Project' } : c)),
});

describe('renderApplyScript renders each action on its own', () => {
  const tenant: TenantPlan = { ...EVERY_ACTION_TENANT, actions: EVERY_ACTION.map((a) => (a.id === 'northwind/MailUser/LaraN' ? withNul(a) : a)) };
  const script = renderApplyScript(tenant);

  it('a NUL in one action’s value fails that action, in a script that holds no NUL and parses', async () => {
    expect(script).toContain(`Write-Output ([ordered]@{ exoGitopsStep = 'northwind/MailUser/LaraN'; status = 'failed'; error = '${NUL_MESSAGE}' } | ConvertTo-Json -Compress)`);
    expect(script).toContain(`# not run: ${NUL_MESSAGE}`);
    expect(script).toContain('#   CustomAttribute1: "" -> "Cross-Tenant\\u0000Project"');
    expect(script).not.toContain("Invoke-ExoStep -Id 'northwind/MailUser/LaraN'");
    expect(script).not.toContain('\u0000');
    const tree = (await powershellParser()).parse(script)!;
    expect(syntaxErrors(tree.rootNode)).toEqual([]);
    tree.delete();
  });

  it('the other actions still run', () => {
    for (const action of EVERY_ACTION.filter((a) => a.action !== 'blocked' && a.id !== 'northwind/MailUser/LaraN')) {
      expect(script, action.id).toContain(`Invoke-ExoStep -Id '${action.id}'`);
    }
  });

  it('a NUL in the identity or the id is reported too: the id is written with the escape "`0"', () => {
    const action: Action = { id: 'northwind/MailUser/La\u0000raN', tenant: 'northwind', kind: 'MailUser', identity: 'La\u0000raN', action: 'update', changes: [{ field: 'CustomAttribute2', before: '', after: 'x' }], destructive: [], dependsOn: [] };
    const text = renderApplyScript({ ...EVERY_ACTION_TENANT, actions: [action] });
    expect(text).toContain(`exoGitopsStep = (-join @('northwind/MailUser/La', "\`0", 'raN')); status = 'failed'; error = 'northwind/MailUser/La\\u0000raN: Identity holds a NUL character (U+0000), which cannot be passed to PowerShell'`);
    expect(text).not.toContain('\u0000');
  });

  it('a field outside the writable allowlist still refuses the whole plan', () => {
    const tampered: Action = { ...EVERY_ACTION.find((a) => a.id === 'northwind/MailUser/LaraN')!, changes: [{ field: 'ForwardingSmtpAddress', after: 'x@evil.example' }] };
    expect(() => renderApplyScript({ ...EVERY_ACTION_TENANT, actions: [withNul(EVERY_ACTION.find((a) => a.id === 'northwind/MailUser/LaraN')!), tampered] })).toThrow(UnsupportedChangeError);
  });
});

// The example's northwind tenant: LaraN gets a value with a NUL, BiancaP a good one, and an action
// depending on LaraN's waits for it.
const update = (identity: string, field: string, after: string, dependsOn: string[] = []): Action => ({
  id: `northwind/MailUser/${identity}#${field}`, tenant: 'northwind', kind: 'MailUser', identity, action: 'update', changes: [{ field, before: '', after }], destructive: [], dependsOn,
});
const NORTHWIND: TenantPlan = {
  tenant: 'northwind',
  organization: 'northwindtraders.onmicrosoft.com',
  connection: { accessTokenEnv: 'NORTHWIND_EXO_TOKEN' },
  role: 'target',
  actions: [
    update('LaraN', 'CustomAttribute1', 'Cross-Tenant\u0000Project'),
    update('BiancaP', 'CustomAttribute2', 'Wave 2'),
    update('MeganB', 'CustomAttribute3', 'after LaraN', ['northwind/MailUser/LaraN#CustomAttribute1']),
  ],
};

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function stateCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'exo-bad-value-'));
  dirs.push(dir);
  cpSync(join(ROOT, 'examples/contoso-northwind/state'), join(dir, 'state'), { recursive: true });
  return dir;
}

async function run(env: Record<string, string>, state: string): Promise<StepResult[]> {
  const { results } = await applyPlan(planOf([NORTHWIND]), { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NORTHWIND_EXO_TOKEN: 'token', EXO_SIM_STATE: state, ...env }, allow: new Set() });
  return results;
}

function expectOneFailure(results: StepResult[], state: string): void {
  const byId = new Map(results.map((r) => [r.id, r]));
  expect(byId.get('northwind/MailUser/LaraN#CustomAttribute1')).toMatchObject({ outcome: 'failed', error: 'northwind/MailUser/LaraN: CustomAttribute1 holds a NUL character (U+0000), which cannot be passed to PowerShell' });
  expect(byId.get('northwind/MailUser/BiancaP#CustomAttribute2')).toMatchObject({ outcome: 'updated' });
  expect(byId.get('northwind/MailUser/MeganB#CustomAttribute3')).toMatchObject({ outcome: 'skipped', reason: 'depends on northwind/MailUser/LaraN#CustomAttribute1, which did not succeed' });
  const users = (JSON.parse(readFileSync(join(state, 'northwind.json'), 'utf8')) as { MailUser: { Alias: string; CustomAttribute1: string; CustomAttribute2: string; CustomAttribute3: string }[] }).MailUser;
  expect(users.find((u) => u.Alias === 'BiancaP')!.CustomAttribute2).toBe('Wave 2');
  expect(users.find((u) => u.Alias === 'LaraN')!.CustomAttribute1).toBe('Cross-Tenant-Project');
  expect(users.find((u) => u.Alias === 'MeganB')!.CustomAttribute3).not.toBe('after LaraN');
}

describe.skipIf(!existsSync(SIMULATOR))('apply: one bad value fails one action', () => {
  it('through the simulator: LaraN fails, BiancaP is updated, the action depending on LaraN is skipped', async () => {
    const dir = stateCopy();
    const state = join(dir, 'state');
    expectOneFailure(await run({ EXO_GITOPS_PWSH: SIMULATOR }, state), state);
  });

  it.skipIf(!existsSync(PWSH))('through real pwsh with the stand-in module: the same', async () => {
    const dir = stateCopy();
    const state = join(dir, 'state');
    const modules = join(dir, 'modules');
    execFileSync(process.execPath, [SIMULATOR, 'module', '--out', modules], { stdio: 'pipe' });
    expectOneFailure(await run({ EXO_GITOPS_PWSH: PWSH, PSModulePath: modules }, state), state);
  });
});
