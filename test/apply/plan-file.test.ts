// A saved plan is an artifact that passes through other hands: nothing in it is trusted to be safe.
import { execa } from 'execa';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'exo-planfile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = {
  PATH: process.env.PATH ?? '',
  // The simulator's embedded host inside the CLI process: these tests are about the CLI and Exchange's
  // behaviour, not a process (test/process, test/simulator/host-pwsh, test/powershell/hostile and test/apply/interrupted are).
  EXO_GITOPS_PWSH: 'exo-gitops-sim:in-process',
  EXO_SIM_STATE: join(dir, 'tenants'),
  CONTOSO_EXO_TOKEN: 't',
  NORTHWIND_CERT_PASSWORD: 'p',
};
const run = async (args: string[]) => {
  const r = await execa(process.execPath, [join(root, 'dist/cli/main.js'), ...args], { cwd: dir, env, extendEnv: false, reject: false });
  return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
};
const tenants = () => readFileSync(join(dir, 'tenants/northwind.json'), 'utf8') + readFileSync(join(dir, 'tenants/contoso.json'), 'utf8');

let plan: any;
let planned: string;
const fresh = () => {
  rmSync(join(dir, 'config'), { recursive: true, force: true });
  rmSync(join(dir, 'tenants'), { recursive: true, force: true });
  cpSync(join(root, 'examples/contoso-northwind'), join(dir, 'config'), { recursive: true });
  cpSync(join(root, 'examples/contoso-northwind/state'), join(dir, 'tenants'), { recursive: true });
};
// One plan of the example, made once: every test starts from fresh copies of the same config and
// state, so the plan each test edits (or applies) is the plan those copies give.
beforeAll(async () => {
  fresh();
  expect((await run(['plan', '--dir', 'config', '--state', 'tenants', '--out', 'plan.json'])).exitCode).toBe(2);
  planned = readFileSync(join(dir, 'plan.json'), 'utf8');
});
beforeEach(() => {
  fresh();
  writeFileSync(join(dir, 'plan.json'), planned);
  plan = JSON.parse(planned);
});
const save = () => writeFileSync(join(dir, 'edited.json'), JSON.stringify(plan));
const lara = () => plan.tenants[0].actions.find((a: any) => a.id === 'northwind/MailUser/LaraN');

describe('a saved plan file', () => {
  it('with a field name exo-gitops does not write is refused by render and apply, and nothing runs', async () => {
    lara().changes.push({ field: 'Foo = 1 }; Write-Host PWNED; $x=@{ Bar', after: 'x' });
    save();
    const rendered = await run(['render', '--plan', 'edited.json']);
    expect(rendered.exitCode).toBe(1);
    expect(rendered.stdout).not.toContain('PWNED');
    expect(rendered.stderr).toContain('is not a valid plan');
    lara().changes[lara().changes.length - 1].field = 'HiddenFromAddressListsEnabled';
    save();
    const renderedAgain = await run(['render', '--plan', 'edited.json']);
    expect(renderedAgain.exitCode).toBe(1);
    expect(renderedAgain.stderr).toContain('does not write "HiddenFromAddressListsEnabled" on a MailUser');
    const before = tenants();
    expect((await run(['apply', '--dir', 'config', '--plan', 'edited.json', '--state', 'tenants', '--yes', '--tenant', 'northwind'])).exitCode).toBe(1);
    expect(tenants()).toBe(before);
  });

  it('cannot add an action, even for one tenant (--tenant rebuilds the plan and compares)', async () => {
    plan.tenants[0].actions.push({ id: 'northwind/OrganizationRelationship/Contoso', tenant: 'northwind', kind: 'OrganizationRelationship', identity: 'Contoso', action: 'delete', destructive: [], dependsOn: [], changes: [] });
    // A careful attacker keeps the summary consistent with the actions.
    plan.summary.delete++;
    plan.summary.destructive++;
    save();
    const before = tenants();
    const r = await run(['apply', '--dir', 'config', '--plan', 'edited.json', '--state', 'tenants', '--yes', '--tenant', 'northwind', '--allow', 'delete']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('it has an action the YAML and live state do not give: northwind/OrganizationRelationship/Contoso');
    expect(tenants()).toBe(before);
  });

  it('that was edited is refused when it covers every tenant', async () => {
    lara().changes[0].add = ['X500:/o=Somewhere/cn=else'];
    save();
    const before = tenants();
    const r = await run(['apply', '--dir', 'config', '--plan', 'edited.json', '--state', 'tenants', '--yes']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('the plan file does not match the plan its desired and live state give');
    expect(tenants()).toBe(before);
  });

  it('whose summary says "no changes" still has its actions counted', async () => {
    plan.summary = { create: 0, update: 0, delete: 0, replace: 0, blocked: 0, destructive: 0 };
    save();
    const r = await run(['render', '--plan', 'edited.json']);
    expect(r.stdout).toContain("Invoke-ExoStep -Id 'northwind/MailUser/LaraN'");
  });

  it('that is malformed gets a clear error, not a crash', async () => {
    delete plan.tenants[0].actions;
    save();
    const r = await run(['render', '--plan', 'edited.json']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/edited\.json is not a valid plan: \/tenants\/0 must have required property 'actions'/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('unedited, it is applied', async () => {
    expect((await run(['apply', '--dir', 'config', '--plan', 'plan.json', '--state', 'tenants', '--yes'])).exitCode).toBe(0);
    expect((await run(['plan', '--dir', 'config'])).exitCode).toBe(0);
  });
});

/** Edits of the plan artifact an attacker with write access to it could make: each must be refused. */
const TAMPERS: [string, (p: any) => void][] = [
  ['an added action pointing a user at an outside address', (p) => p.tenants[0].actions.push({ id: 'northwind/MailUser/AdeleV#x', tenant: 'northwind', kind: 'MailUser', identity: 'AdeleV', action: 'update', destructive: [], dependsOn: [], changes: [{ field: 'ExternalEmailAddress', before: 'SMTP:AdeleV@contoso.onmicrosoft.com', after: 'SMTP:adele@attacker.example' }] })],
  ['a deleted finding', (p) => p.findings.splice(0, 1)],
  ['a changed before value', (p) => (p.tenants[0].actions.find((a: any) => a.changes.some((c: any) => 'before' in c)).changes.find((c: any) => 'before' in c).before = 'something else')],
  ['a missing digest of the applied tenant', (p) => delete p.snapshotDigests.northwind],
  ['a missing digest of the other tenant', (p) => delete p.snapshotDigests.contoso],
  ['a secretEnv naming another variable', (p) => (p.tenants[0].actions[0].parameters = { secretEnv: 'GITHUB_TOKEN' })],
  ['an accessTokenEnv naming another variable', (p) => (p.tenants.find((t: any) => t.tenant === 'northwind').connection = { accessTokenEnv: 'GITHUB_TOKEN' })],
  ['another organization', (p) => (p.tenants[0].organization = 'attacker.onmicrosoft.com')],
  ['another identity', (p) => (p.tenants[0].actions[1].identity = 'Megan.Bowen@contoso.com')],
  ['CR plus code in the organization', (p) => (p.tenants[0].organization = 'northwindtraders.onmicrosoft.com\rWrite-Output PWNED')],
  ['CR plus code in the tenant', (p) => (p.tenants[0].tenant = 'northwind\rWrite-Output PWNED')],
  ['an environment the YAML does not set', (p) => (p.tenants[0].environment = 'O365USGovDoD')],
  ['a summary that hides the actions', (p) => (p.summary = { create: 0, update: 0, delete: 0, replace: 0, blocked: 0, destructive: 0 })],
];

describe('a tampered plan file is refused with and without --tenant, and nothing runs', () => {
  for (const [name, tamper] of TAMPERS) {
    it(name, async () => {
      tamper(plan);
      save();
      const before = tenants();
      for (const tenant of [['--tenant', 'northwind'], []]) {
        // Live state is the simulator's files, read directly (--state) as the plan was made: the checks are the same, and quicker.
        const r = await run(['apply', '--dir', 'config', '--plan', 'edited.json', '--state', 'tenants', '--yes', '--allow', 'delete', ...tenant]);
        expect(r.exitCode, `${name} ${tenant.join(' ')}: ${r.stdout}${r.stderr}`).toBe(1);
        expect(r.stdout + r.stderr).not.toMatch(/^PWNED/m);
        expect(r.stdout).not.toMatch(/succeeded|✓/);
        expect(tenants()).toBe(before);
      }
    });
  }
});
