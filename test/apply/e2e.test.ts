// apply end to end: the built CLI, the example repository, and the simulator standing in for both
// tenants. Each test works on its own copy in a temporary directory.
import { execa } from 'execa';
import fc from 'fast-check';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';

const root = new URL('../../', import.meta.url).pathname;
const cli = join(root, 'dist/cli/main.js');
const simulator = join(root, 'dist/simulator/main.js');
const example = join(root, 'examples/contoso-northwind');

interface Workspace {
  dir: string;
  config: string;
  tenants: string;
  metrics: string;
  env: Record<string, string>;
  run: (args: string[], env?: Record<string, string>) => Promise<{ exitCode: number; stdout: string; stderr: string }>;
  tenant: (name: string) => Record<string, any>;
  editTenant: (name: string, edit: (state: Record<string, any>) => void) => void;
  editYaml: (file: string, edit: (docs: Record<string, any>[]) => void) => void;
}

const workspaces: string[] = [];
afterEach(() => {
  for (const dir of workspaces.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function workspace(): Workspace {
  if (!existsSync(cli) || !existsSync(simulator)) throw new Error('build first: npm run build (npm test does it)');
  const dir = mkdtempSync(join(tmpdir(), 'exo-apply-'));
  workspaces.push(dir);
  const config = join(dir, 'config');
  const tenants = join(dir, 'tenants');
  cpSync(example, config, { recursive: true, filter: (src) => !src.startsWith(join(example, 'state')) });
  cpSync(join(example, 'state'), tenants, { recursive: true });
  const metrics = join(dir, 'metrics.json');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    // The simulator's embedded host inside the CLI process: these tests are about the CLI and Exchange's
    // behaviour, not a process (test/process, test/simulator/host-pwsh, test/powershell/hostile and test/apply/interrupted are).
    EXO_GITOPS_PWSH: 'exo-gitops-sim:in-process',
    EXO_SIM_STATE: tenants,
    EXO_SIM_METRICS: metrics,
    CONTOSO_EXO_TOKEN: 'token-for-contoso',
    NORTHWIND_CERT_PASSWORD: 'password-for-northwind',
    NORTHWIND_MIGRATION_APP_SECRET: 'secret-for-the-app',
    // Throttling backoff in milliseconds, not seconds, so retry tests stay fast.
    EXO_GITOPS_RETRY_BASE_MS: '1',
    EXO_GITOPS_RETRY_MAX_MS: '5',
  };
  const w: Workspace = {
    dir,
    config,
    tenants,
    metrics,
    env,
    run: async (args, extra = {}) => {
      const r = await execa(process.execPath, [cli, ...args], { cwd: dir, env: { ...env, ...extra }, extendEnv: false, reject: false });
      return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
    },
    tenant: (name) => JSON.parse(readFileSync(join(tenants, `${name}.json`), 'utf8')),
    editTenant: (name, edit) => {
      const state = w.tenant(name);
      edit(state);
      writeFileSync(join(tenants, `${name}.json`), JSON.stringify(state, null, 2));
    },
    editYaml: (file, edit) => {
      const path = join(config, file);
      const docs = parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS() as Record<string, any>);
      edit(docs);
      writeFileSync(path, docs.map((d) => stringify(d)).join('---\n'));
    },
  };
  return w;
}

const mailUser = (w: Workspace, alias: string) => w.tenant('northwind').MailUser.find((u: any) => u.Alias === alias);
const metricsOf = (w: Workspace) => JSON.parse(readFileSync(w.metrics, 'utf8')) as { calls: Record<string, number>; throttled: Record<string, number> };

describe('apply through the simulator', () => {
  it('converges: plan shows changes, apply makes them, the next plan shows none', async () => {
    const w = workspace();
    expect((await w.run(['plan', '--dir', 'config'])).exitCode).toBe(2);
    const applied = await w.run(['apply', '--dir', 'config', '--yes', '--record', 'run.json']);
    expect(applied.stderr).not.toMatch(/error|fail/i);
    expect(applied.exitCode).toBe(0);
    expect(applied.stdout).toContain('Apply: 9 succeeded, 0 failed, 0 skipped.');
    const again = await w.run(['plan', '--dir', 'config']);
    expect(again.stdout).toContain('No changes');
    expect(again.exitCode).toBe(0);

    const lara = mailUser(w, 'LaraN');
    expect(lara.EmailAddresses).toContain('X500:/o=First Organization/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=d11ec1a2cacd4f81858c81907273f1f9-Lara');
    expect(mailUser(w, 'IsaiahL').ExchangeGuid).toBe('9b8a7f6e-5d4c-4b3a-9281-7f6e5d4c3b2a');

    const record = JSON.parse(readFileSync(join(w.dir, 'run.json'), 'utf8'));
    expect(record).toMatchObject({ formatVersion: 1, outcome: 'succeeded', summary: { succeeded: 9, failed: 0, skipped: 0 } });
    expect(record.plan.digest).toMatch(/^sha256:/);
    // Wave-1 comes last, once its users' mail users exist and they are in the source's scope.
    expect(record.results.map((r: any) => `${r.outcome} ${r.id}`)).toEqual([
      'created northwind/MailUser/AlexW',
      'created northwind/MailUser/IsaiahL',
      'created northwind/MailUser/JohannaL',
      'updated northwind/MailUser/AdeleV',
      'updated northwind/MailUser/LaraN',
      'updated contoso/DistributionGroup/T2T-Migration-Scope#add-members',
      'updated contoso/OrganizationRelationship/Northwind Traders',
      'updated contoso/Mailbox/Megan.Bowen@contoso.com#cloud-managed',
      'created northwind/MigrationBatch/Wave-1',
    ]);
    expect(w.tenant('northwind').MigrationBatch).toMatchObject([{ Identity: 'Wave-1', Status: 'Syncing', TotalCount: 8 }]);
  });

  it('a failure at one action skips what depends on it, leaves a plan of exactly the rest, and a rerun converges without repeating side effects', async () => {
    const w = workspace();
    const failed = await w.run(['apply', '--dir', 'config', '--yes', '--record', 'run.json'], { EXO_SIM_FAIL: 'Set-MailUser:LaraN' });
    expect(failed.exitCode).toBe(1);
    expect(failed.stdout).toMatch(/✗ failed northwind\/MailUser\/LaraN( in \d+ ms)?: .+/);
    expect(failed.stdout).toContain('Apply: 4 succeeded, 1 failed, 4 skipped.');
    // Repeated after the run, just above the summary, so a long run's failure is not lost in the scroll.
    expect(failed.stdout).toMatch(/\nFailed \(1\):\n {2}✗ failed northwind\/MailUser\/LaraN[^\n]*: [^\n]+\n\nApply: 4 succeeded/);
    const record = JSON.parse(readFileSync(join(w.dir, 'run.json'), 'utf8'));
    expect(record.outcome).toBe('failed');
    // The source tenant waits for its target: its actions are skipped, not attempted.
    expect(record.results.filter((r: any) => r.tenant === 'contoso').map((r: any) => r.outcome)).toEqual(['skipped', 'skipped', 'skipped']);
    // So does the batch, which runs after both tenants.
    expect(record.results.find((r: any) => r.id === 'northwind/MigrationBatch/Wave-1')).toMatchObject({ outcome: 'skipped' });

    const rest = await w.run(['plan', '--dir', 'config', '--format', 'json']);
    expect(rest.exitCode).toBe(2);
    const plan = JSON.parse(rest.stdout);
    expect(plan.tenants.flatMap((t: any) => t.actions.map((a: any) => a.id))).toEqual([
      'northwind/MailUser/LaraN',
      'northwind/MigrationBatch/Wave-1',
      'contoso/DistributionGroup/T2T-Migration-Scope#add-members',
      'contoso/OrganizationRelationship/Northwind Traders',
      'contoso/Mailbox/Megan.Bowen@contoso.com#cloud-managed',
    ]);

    expect((await w.run(['apply', '--dir', 'config', '--yes'])).exitCode).toBe(0);
    expect((await w.run(['plan', '--dir', 'config'])).exitCode).toBe(0);
    const calls = metricsOf(w).calls;
    expect(calls['New-MailUser']).toBe(3);
    expect(calls['Add-DistributionGroupMember']).toBe(3);
    expect(calls['New-MigrationBatch']).toBe(1);
  });

  it('a membership change interrupted halfway is finished by the next apply, each member added once', async () => {
    const w = workspace();
    w.editTenant('contoso', (s) => {
      const group = s.DistributionGroup.find((g: any) => g.Name === 'T2T-Migration-Scope');
      group.Members = group.Members.filter((m: string) => !/^(Lara|Bianca)/.test(m));
    });
    const first = await w.run(['apply', '--dir', 'config', '--yes'], { EXO_SIM_FAIL: 'Add-DistributionGroupMember#2' });
    expect(first.exitCode).toBe(1);
    const members = () => w.tenant('contoso').DistributionGroup[0].Members as string[];
    expect(members().filter((m) => /^(Lara|Bianca|Isaiah|Alex|Johanna)/.test(m))).toHaveLength(1);
    const plan = JSON.parse((await w.run(['plan', '--dir', 'config', '--format', 'json'])).stdout);
    const add = plan.tenants.find((t: any) => t.tenant === 'contoso').actions.find((a: any) => a.id.endsWith('#add-members'));
    expect(add.changes[0].add).toHaveLength(4);
    expect((await w.run(['apply', '--dir', 'config', '--yes'])).exitCode).toBe(0);
    expect(members()).toEqual(expect.arrayContaining(['Lara.Newton@contoso.com', 'Bianca.Pisani@contoso.com', 'Isaiah.Langer@contoso.com', 'Alex.Wilber@contoso.com', 'Johanna.Lorenz@contoso.com']));
    // 5 members: one success and one injected failure in the first run, four in the second.
    expect(metricsOf(w).calls['Add-DistributionGroupMember']).toBe(6);
  });

  it('retries throttling with backoff and still converges', async () => {
    const w = workspace();
    const applied = await w.run(['apply', '--dir', 'config', '--yes'], { EXO_SIM_THROTTLE_EVERY: '2' });
    expect(applied.stdout).toContain('0 failed');
    expect(applied.exitCode).toBe(0);
    expect(Object.values(metricsOf(w).throttled).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect((await w.run(['plan', '--dir', 'config'])).exitCode).toBe(0);
  });

  it('does not retry other errors', async () => {
    const w = workspace();
    await w.run(['apply', '--dir', 'config', '--yes'], { EXO_SIM_FAIL: 'Set-OrganizationRelationship' });
    expect(metricsOf(w).calls['Set-OrganizationRelationship']).toBe(1);
  });

  it('refuses a saved plan once live or desired state has changed', async () => {
    const w = workspace();
    expect((await w.run(['plan', '--dir', 'config', '--out', 'plan.json'])).exitCode).toBe(2);
    w.editTenant('northwind', (s) => {
      s.MailUser.find((u: any) => u.Alias === 'BiancaP').CustomAttribute2 = 'changed by hand';
    });
    const stale = await w.run(['apply', '--dir', 'config', '--plan', 'plan.json', '--yes']);
    expect(stale.exitCode).toBe(1);
    expect(stale.stderr).toMatch(/plan is stale: re-plan \(live state of tenant northwind changed/);

    expect((await w.run(['plan', '--dir', 'config', '--out', 'plan.json'])).exitCode).toBe(2);
    w.editYaml('northwind/mailusers.yaml', (docs) => {
      docs[0]!.spec.customAttributes['2'] = 'new';
    });
    const staleDesired = await w.run(['apply', '--dir', 'config', '--plan', 'plan.json', '--yes']);
    expect(staleDesired.exitCode).toBe(1);
    expect(staleDesired.stderr).toContain('the desired state changed since the plan was made');

    expect((await w.run(['plan', '--dir', 'config', '--out', 'plan.json'])).exitCode).toBe(2);
    expect((await w.run(['apply', '--dir', 'config', '--plan', 'plan.json', '--yes'])).exitCode).toBe(0);
  });

  it('refuses destructive classes unless allowed, naming the actions, and changes nothing', async () => {
    const w = workspace();
    w.editYaml('northwind/mailusers.yaml', (docs) => {
      docs[0]!.spec.removeEmailAddresses = ['smtp:LaraN@northwindtraders.onmicrosoft.com'];
      docs[0]!.spec.emailAddresses = docs[0]!.spec.emailAddresses.filter((a: string) => !a.startsWith('smtp:'));
    });
    const before = readFileSync(join(w.tenants, 'northwind.json'), 'utf8');
    const refused = await w.run(['apply', '--dir', 'config', '--yes', '--record', 'run.json']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('refused: 1 destructive action(s) of class remove-address need --allow remove-address');
    expect(refused.stderr).toContain('northwind/MailUser/LaraN');
    expect(readFileSync(join(w.tenants, 'northwind.json'), 'utf8')).toBe(before);
    expect(JSON.parse(readFileSync(join(w.dir, 'run.json'), 'utf8')).outcome).toBe('refused');

    expect((await w.run(['apply', '--dir', 'config', '--yes', '--allow', 'remove-address'])).exitCode).toBe(0);
    expect(mailUser(w, 'LaraN').EmailAddresses).not.toContain('smtp:LaraN@northwindtraders.onmicrosoft.com');
  });

  it('asks for --yes when not on a terminal', async () => {
    const w = workspace();
    const r = await w.run(['apply', '--dir', 'config']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('pass --yes');
  });

  it('skips blocked actions and what depends on them, and applies the rest', async () => {
    const w = workspace();
    w.editTenant('northwind', (s) => {
      s.MailUser.find((u: any) => u.Alias === 'LaraN').PreviousRecipientTypeDetails = 'UserMailbox';
    });
    const r = await w.run(['apply', '--dir', 'config', '--yes', '--record', 'run.json']);
    expect(r.exitCode).toBe(0);
    const results = JSON.parse(readFileSync(join(w.dir, 'run.json'), 'utf8')).results as { id: string; outcome: string; reason?: string }[];
    expect(results.find((x) => x.id === 'northwind/User/LaraN#clear-previous-mailbox')).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('PermanentlyClearPreviousMailboxInfo') });
    expect(results.find((x) => x.id === 'northwind/MailUser/LaraN')).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('depends on') });
    // Wave-1 waits for all its users' mail users, Lara's among them.
    expect(results.find((x) => x.id === 'northwind/MigrationBatch/Wave-1')).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('depends on') });
    expect(results.filter((x) => x.outcome === 'updated' || x.outcome === 'created')).toHaveLength(7);
  });

  it('a changed MicrosoftOnlineServicesID of an existing mail user is planned blocked, not sent as a call that cannot bind', async () => {
    const w = workspace();
    w.editTenant('northwind', (s) => {
      s.MailUser.find((u: any) => u.Alias === 'AdeleV').MicrosoftOnlineServicesID = 'adele.old@northwindtraders.com';
    });
    const r = await w.run(['apply', '--dir', 'config', '--yes', '--record', 'run.json']);
    expect(r.exitCode).toBe(0);
    const results = JSON.parse(readFileSync(join(w.dir, 'run.json'), 'utf8')).results as { id: string; outcome: string; reason?: string }[];
    expect(results.find((x) => x.id === 'northwind/MailUser/AdeleV#microsoft-online-services-id')).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('Entra ID') });
    expect(results.filter((x) => x.outcome === 'failed')).toEqual([]);
    const again = JSON.parse((await w.run(['plan', '--dir', 'config', '--format', 'json'])).stdout);
    // Adele is not ready to move (her sign-in name differs): Wave-1 is not created while she is blocked.
    expect(again.tenants.flatMap((t: any) => t.actions).map((a: any) => `${a.action} ${a.id}`)).toEqual(['blocked northwind/MailUser/AdeleV#microsoft-online-services-id', 'blocked northwind/MigrationBatch/Wave-1']);
    expect(again.tenants.flatMap((t: any) => t.actions).find((a: any) => a.kind === 'MigrationBatch').reason).toContain('Adele.Vance@contoso.com');
  });

  it('tests an endpoint it creates with Test-MigrationServerAvailability: Success is reported with the step, a failure fails it', async () => {
    const w = workspace();
    w.editTenant('northwind', (s) => {
      s.MigrationEndpoint = [];
    });
    const ok = await w.run(['apply', '--dir', 'config', '--yes', '--record', 'run.json']);
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toMatch(/✓ created northwind\/MigrationEndpoint\/Contoso-T2T in \d+ ms \(Test-MigrationServerAvailability: Success\)/);
    const record = JSON.parse(readFileSync(join(w.dir, 'run.json'), 'utf8')) as { results: { id: string; check?: string }[] };
    expect(record.results.find((r) => r.id === 'northwind/MigrationEndpoint/Contoso-T2T')?.check).toBe('Test-MigrationServerAvailability: Success');

    const again = workspace();
    again.editTenant('northwind', (s) => {
      s.MigrationEndpoint = [];
    });
    const failed = await again.run(['apply', '--dir', 'config', '--yes'], { EXO_SIM_FAIL: 'Test-MigrationServerAvailability' });
    expect(failed.exitCode).toBe(1);
    expect(failed.stdout).toMatch(/✗ failed northwind\/MigrationEndpoint\/Contoso-T2T/);
    // The endpoint was made: the next plan has nothing to do for it.
    expect(again.tenant('northwind').MigrationEndpoint).toHaveLength(1);
  });

  it('never lets a secret reach output, the plan, the run record or any file', async () => {
    const w = workspace();
    const canaries = { NORTHWIND_MIGRATION_APP_SECRET: 'canary-app-secret-3f9a1c', CONTOSO_EXO_TOKEN: 'canary-token-77b2e0', NORTHWIND_CERT_PASSWORD: 'canary-password-c41d' };
    // Without a live endpoint the plan creates one, which sends the app secret.
    w.editTenant('northwind', (s) => {
      s.MigrationEndpoint = [];
    });
    const outputs: string[] = [];
    for (const args of [['plan', '--dir', 'config', '--out', 'plan.json'], ['plan', '--dir', 'config', '--format', 'markdown'], ['render', '--plan', 'plan.json'], ['apply', '--dir', 'config', '--plan', 'plan.json', '--yes', '--record', 'run.json']]) {
      const r = await w.run(args, canaries);
      outputs.push(r.stdout, r.stderr);
    }
    expect(w.tenant('northwind').MigrationEndpoint).toHaveLength(1);
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const name of readdirSync(d)) {
        const p = join(d, name);
        if (statSync(p).isDirectory()) walk(p);
        else files.push(readFileSync(p, 'utf8'));
      }
    };
    walk(w.dir);
    for (const secret of Object.values(canaries)) {
      for (const text of [...outputs, ...files]) expect(text).not.toContain(secret);
    }
  });

  it('delivers values with quotes of every kind, $( ), backticks, newlines, semicolons and non-BMP characters byte for byte', async () => {
    const fixed = ["O'Brien", 'it’s ‘quoted’', '‚low‛', '$(Remove-Item -Recurse C:\\)', '`whoami`', 'a;b|c&d', 'line one\nline two\r\nthree', '😀 𝔘𝔫𝔦', '"double" and \'single\'', "''''", '@{Add=1}', '# not a comment', '<# block #>', '${env:PATH}', ' trailing space '];
    const value = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).map((s) => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')).filter((s) => s.length > 0);
    const samples = [fixed, ...fc.sample(fc.array(value, { minLength: 15, maxLength: 15 }), { numRuns: 3, seed: 42 })];
    for (const values of samples) {
      const w = workspace();
      w.editYaml('northwind/mailusers.yaml', (docs) => {
        docs[0]!.spec.customAttributes = Object.fromEntries(values.map((v, i) => [String(i + 1), v]));
      });
      const r = await w.run(['apply', '--dir', 'config', '--yes']);
      expect(r.stderr).not.toMatch(/error|fail/i);
      expect(r.exitCode).toBe(0);
      const lara = mailUser(w, 'LaraN');
      values.forEach((v, i) => expect(lara[`CustomAttribute${i + 1}`]).toBe(v));
      expect((await w.run(['plan', '--dir', 'config'])).exitCode).toBe(0);
    }
  });
});
