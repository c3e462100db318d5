// Every action type's generated PowerShell binds to the official cmdlet signatures: run through the
// simulator (which binds each call against them), a step may fail on Exchange's terms (an object
// that is not there), but never with a binding error such as an unknown parameter or parameter set.
import { execa } from 'execa';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderApplyScript } from '../../src/powershell/apply-script.js';
import { EVERY_ACTION, EVERY_ACTION_TENANT } from '../apply/every-action.js';
import { replaceOnce } from '../support/edit.js';

const root = new URL('../../', import.meta.url).pathname;
const state = mkdtempSync(join(tmpdir(), 'exo-binding-'));
afterAll(() => rmSync(state, { recursive: true, force: true }));

const BINDING_ERRORS = [
  /A parameter cannot be found that matches parameter name/,
  /Parameter set cannot be resolved/,
  /missing mandatory parameters/,
  /Cannot process argument transformation/,
  /is ambiguous/,
  /available only in on-premises/i,
  /not supported by the simulator/,
  /ParserError/,
  /Cannot bind/,
];

describe('generated PowerShell binds to the official signatures', () => {
  it('for every action type', async () => {
    cpSync(join(root, 'examples/contoso-northwind/state/northwind.json'), join(state, 'northwind.json'));
    const tenant = { ...EVERY_ACTION_TENANT, organization: 'northwindtraders.onmicrosoft.com' };
    const result = await execa(process.execPath, [join(root, 'dist/simulator/main.js'), '-NoLogo', '-NoProfile', '-NonInteractive', '-Command', '-'], {
      input: renderApplyScript(tenant),
      env: { EXO_SIM_STATE: state, NORTHWIND_TOKEN: 'token', NORTHWIND_SECRET: 'secret' },
      reject: false,
    });
    const steps = String(result.stdout)
      .split('\n')
      .filter((l) => l.includes('exoGitopsStep'))
      .map((l) => JSON.parse(l) as { exoGitopsStep: string; status: string; error?: string });
    // One result per action: the script ran to the end.
    expect(steps.map((s) => s.exoGitopsStep)).toEqual(EVERY_ACTION.map((a) => a.id));
    expect(String(result.stderr)).toBe('');
    for (const step of steps) {
      for (const pattern of BINDING_ERRORS) expect(`${step.exoGitopsStep}: ${step.error ?? ''}`).not.toMatch(pattern);
    }
    // What fails, fails on Exchange's terms: objects this tenant does not have, or already has.
    for (const step of steps.filter((s) => s.status === 'failed')) {
      expect(step.error).toMatch(/couldn't be found|already exists|not required/);
    }
    expect(steps.filter((s) => s.status === 'succeeded').map((s) => s.exoGitopsStep)).toEqual(
      expect.arrayContaining(['northwind/MigrationEndpoint/New', 'northwind/MailUser/NewUser', 'northwind/MailUser/LaraN', 'northwind/User/LaraN#clear-previous-mailbox']),
    );
  });

  it('a misspelt parameter would be caught (the check can fail)', async () => {
    const script = replaceOnce(renderApplyScript({ ...EVERY_ACTION_TENANT, organization: 'northwindtraders.onmicrosoft.com', actions: [{ ...EVERY_ACTION.find((a) => a.id === 'northwind/MailUser/LaraN')!, dependsOn: [] }] }), 'CustomAttribute1 =', 'CustomAtribute1 =');
    const result = await execa(process.execPath, [join(root, 'dist/simulator/main.js'), '-NoLogo', '-NoProfile', '-NonInteractive', '-Command', '-'], {
      input: script,
      env: { EXO_SIM_STATE: state, NORTHWIND_TOKEN: 'token' },
      reject: false,
    });
    expect(String(result.stdout)).toMatch(/A parameter cannot be found that matches parameter name 'CustomAtribute1'/);
  });
});
