// plan --tenant NAME: two admins, one per tenant, each with only their own tenant's credentials. Only
// NAME's live state is read (through the in-process simulator, whose state holds NAME alone, with
// only NAME's sign-in variable in the environment); the other tenant's state is its snapshot
// (--peer-state, or --state's directory), and the plan says so, or says which checks it skipped.
// A plan made so is applied only with --tenant NAME and the snapshots it was made from.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/program.js';
import { snapshotDigest } from '../../src/plan/digest.js';

const root = new URL('../../', import.meta.url).pathname;
const example = join(root, 'examples/contoso-northwind');
const exampleState = join(example, 'state');
const EXPORTED_AT = '2026-11-20T06:00:00Z';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * A working folder: the example's YAML (config/), the simulator's tenants (sim/, northwind alone
 * unless asked: an export of contoso would fail to sign in), and contoso's snapshot (peers/).
 */
function workspace(simulated: string[] = ['northwind']) {
  const dir = mkdtempSync(join(tmpdir(), 'exo-plan-tenant-'));
  dirs.push(dir);
  cpSync(example, join(dir, 'config'), { recursive: true, filter: (src) => !src.startsWith(exampleState) });
  for (const tenant of simulated) cpSync(join(exampleState, `${tenant}.json`), join(dir, 'sim', `${tenant}.json`));
  cpSync(join(exampleState, 'contoso.json'), join(dir, 'peers', 'contoso.json'));
  // Northwind's admin: Northwind's sign-in secret only (and the endpoint's, a Northwind secret).
  const northwindOnly = { EXO_GITOPS_PWSH: 'exo-gitops-sim:in-process', EXO_SIM_STATE: join(dir, 'sim'), NORTHWIND_CERT_PASSWORD: 'password-for-northwind', NORTHWIND_MIGRATION_APP_SECRET: 'secret' };
  const cli = async (args: string[], env: Record<string, string> = northwindOnly) => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const exitCode = await run(args, { cwd: dir, env: { NO_COLOR: '1', ...env }, stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) });
    return { exitCode, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
  };
  const editJson = (file: string, edit: (value: any) => void) => {
    const path = join(dir, file);
    const value = JSON.parse(readFileSync(path, 'utf8'));
    edit(value);
    writeFileSync(path, JSON.stringify(value, null, 2));
  };
  return { dir, cli, editJson };
}

const ids = (plan: any): string[] => plan.tenants.flatMap((t: any) => t.actions.map((a: any) => a.id));
const codes = (plan: any): string[] => plan.findings.map((f: any) => f.code);

/** The plan of both tenants, both exported, with both admins' credentials: what one tenant's part must equal. */
async function fullPlan(): Promise<any> {
  const { cli, dir } = workspace(['northwind', 'contoso']);
  const env = { EXO_GITOPS_PWSH: 'exo-gitops-sim:in-process', EXO_SIM_STATE: join(dir, 'sim'), NORTHWIND_CERT_PASSWORD: 'password-for-northwind', CONTOSO_EXO_TOKEN: 'token-for-contoso' };
  const r = await cli(['plan', '--dir', 'config', '--format', 'json'], env);
  expect(r.exitCode, r.stderr).toBe(2);
  return JSON.parse(r.stdout);
}

describe('plan --tenant with a snapshot of the other tenant', () => {
  it("reads only northwind live, with northwind's credentials alone, and says contoso's state is a snapshot and when it was exported", async () => {
    const full = await fullPlan();
    const { cli } = workspace();
    const r = await cli(['plan', '--dir', 'config', '--tenant', 'northwind', '--peer-state', 'peers', '--format', 'json']);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toContain('exported northwind in');
    expect(r.stderr).not.toContain('exported contoso');
    expect(r.stderr).toContain(`read contoso's snapshot peers/contoso.json (exported ${EXPORTED_AT})`);
    const plan = JSON.parse(r.stdout);
    // Northwind's actions, exactly as the plan of both tenants has them (values taken from contoso's mailboxes included); no contoso action.
    expect(plan.tenants.map((t: any) => t.tenant)).toEqual(['northwind']);
    expect(ids(plan)).toEqual(ids({ tenants: full.tenants.filter((t: any) => t.tenant === 'northwind') }));
    expect(ids(plan)).toContain('northwind/MigrationBatch/Wave-1');
    expect(plan.summary).toEqual({ create: 4, update: 2, delete: 0, replace: 0, blocked: 0, destructive: 0 });
    // Both digests: apply --plan checks contoso's snapshot against its digest.
    expect(Object.keys(plan.snapshotDigests)).toEqual(['contoso', 'northwind']);
    expect(plan.snapshotDigests.northwind).toBe(full.snapshotDigests.northwind);
    expect(plan.snapshotDigests.contoso).toBe(snapshotDigest(JSON.parse(readFileSync(join(exampleState, 'contoso.json'), 'utf8'))));
    const note = plan.findings.find((f: any) => f.code === 'PeerStateFromSnapshot');
    expect(note).toMatchObject({ severity: 'warning', tenant: 'contoso' });
    expect(note.message).toBe(
      `Cross-tenant checks use contoso's snapshot exported ${EXPORTED_AT} (peers/contoso.json; not read live by this plan); contoso's own actions are not shown (plan --tenant contoso)`,
    );
    expect(codes(plan)).not.toContain('SnapshotMissing');
    // Readiness from contoso's snapshot: every moving mailbox, as in the plan of both tenants.
    expect(plan.readiness).toEqual(full.readiness);
    expect(plan.batches).toEqual(full.batches);
  });

  it('says it in the text and the markdown plan too', async () => {
    const { cli } = workspace();
    const text = await cli(['plan', '--dir', 'config', '--tenant', 'northwind', '--peer-state', 'peers']);
    expect(text.exitCode, text.stderr).toBe(2);
    expect(text.stdout).toContain(`warning PeerStateFromSnapshot: Cross-tenant checks use contoso's snapshot exported ${EXPORTED_AT} (peers/contoso.json; not read live by this plan)`);
    expect(text.stdout).toContain('Tenant northwind (target');
    expect(text.stdout).not.toContain('Tenant contoso');
    const markdown = await cli(['plan', '--dir', 'config', '--tenant', 'northwind', '--peer-state', 'peers', '--format', 'markdown']);
    expect(markdown.exitCode, markdown.stderr).toBe(2);
    expect(markdown.stdout).toContain('`PeerStateFromSnapshot`');
    expect(markdown.stdout).toContain(`Cross-tenant checks use contoso's snapshot exported ${EXPORTED_AT}`);
  });

  it("computes the cross-tenant findings from the snapshot: a changed ExchangeGuid and a hold on the source mailbox block the move", async () => {
    const { cli, editJson } = workspace();
    editJson('peers/contoso.json', (state) => {
      const lara = state.Mailbox.find((m: any) => m.PrimarySmtpAddress === 'Lara.Newton@contoso.com');
      lara.ExchangeGuid = '11111111-2222-4333-8444-555555555555';
      lara.LitigationHoldEnabled = true;
    });
    const r = await cli(['plan', '--dir', 'config', '--tenant', 'northwind', '--peer-state', 'peers', '--format', 'json']);
    expect(r.exitCode, r.stderr).toBe(1);
    const plan = JSON.parse(r.stdout);
    expect(codes(plan)).toEqual(expect.arrayContaining(['ExchangeGuidMismatch', 'SourceMailboxOnHold', 'PeerStateFromSnapshot']));
    const lara = plan.readiness.mailboxes.find((row: any) => row.mailUser === 'LaraN');
    expect(lara).toMatchObject({ status: 'blocked', codes: expect.arrayContaining(['ExchangeGuidMismatch', 'SourceMailboxOnHold']) });
  });

  it("reads the other tenants from --state's directory, and plans the source tenant the same way", async () => {
    const full = await fullPlan();
    const { cli } = workspace([]);
    const r = await cli(['plan', '--dir', 'config', '--tenant', 'contoso', '--state', exampleState, '--format', 'json'], {});
    expect(r.exitCode, r.stderr).toBe(2);
    const plan = JSON.parse(r.stdout);
    expect(plan.tenants.map((t: any) => t.tenant)).toEqual(['contoso']);
    expect(ids(plan)).toEqual(full.tenants.find((t: any) => t.tenant === 'contoso').actions.map((a: any) => a.id));
    const note = plan.findings.find((f: any) => f.code === 'PeerStateFromSnapshot');
    expect(note).toMatchObject({ tenant: 'northwind' });
    expect(note.message).toContain(`northwind's snapshot exported ${EXPORTED_AT} (${join(exampleState, 'northwind.json')}; not read live by this plan)`);
  });

  it("leaves findings about the other tenant's own actions to its plan: northwind's TooManyActions is reported, contoso's is not", async () => {
    const { cli } = workspace();
    const r = await cli(['plan', '--dir', 'config', '--tenant', 'northwind', '--peer-state', 'peers', '--format', 'json', '--max-actions', '2']);
    expect(r.exitCode, r.stderr).toBe(1);
    const tooMany = JSON.parse(r.stdout).findings.filter((f: any) => f.code === 'TooManyActions');
    expect(tooMany.map((f: any) => f.tenant)).toEqual(['northwind']);
  });
});

describe('plan --tenant without a snapshot of the other tenant', () => {
  it("plans northwind's own actions, skips the checks that need contoso and says which (PeerStateMissing)", async () => {
    const { cli } = workspace();
    const r = await cli(['plan', '--dir', 'config', '--tenant', 'northwind', '--format', 'json']);
    expect(r.exitCode, r.stderr).toBe(2);
    const plan = JSON.parse(r.stdout);
    expect(plan.tenants.map((t: any) => t.tenant)).toEqual(['northwind']);
    // The mail users' own YAML values; nothing taken from contoso's mailboxes, no batch.
    expect(ids(plan)).toEqual(['northwind/MailUser/AdeleV', 'northwind/MailUser/LaraN']);
    expect(codes(plan)).not.toContain('SnapshotMissing');
    const missing = plan.findings.filter((f: any) => f.code === 'PeerStateMissing');
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatchObject({ severity: 'warning', tenant: 'contoso' });
    expect(missing[0].message).toMatch(/^No state of contoso \(no --peer-state given\): checks that need its state are skipped: /);
    expect(missing[0].message).toContain("the checks of the two tenants' relationships and endpoint together");
    expect(missing[0].message).toContain('5 mail user(s) moving between them not checked against their source mailbox');
    expect(missing[0].message).toContain('migration batch(es) Wave-1 not planned');
    expect(missing[0].hint).toContain('--peer-state');
    // Not known to be ready: a warning, saying why.
    expect(plan.readiness.summary).toEqual({ blocked: 0, warning: 5, ready: 0 });
    for (const row of plan.readiness.mailboxes) expect(row.codes).toContain('PeerStateMissing');
    expect(Object.keys(plan.snapshotDigests)).toEqual(['northwind']);

    const text = await cli(['plan', '--dir', 'config', '--tenant', 'northwind']);
    expect(text.exitCode).toBe(2);
    expect(text.stdout).toContain('warning PeerStateMissing: No state of contoso (no --peer-state given)');
  });

  it('names the snapshot file that is missing in --state or --peer-state', async () => {
    const { cli } = workspace();
    const r = await cli(['plan', '--dir', 'config', '--tenant', 'northwind', '--state', 'sim', '--format', 'json']);
    expect(r.exitCode, r.stderr).toBe(2);
    const missing = JSON.parse(r.stdout).findings.find((f: any) => f.code === 'PeerStateMissing');
    expect(missing.message).toContain('No state of contoso (sim/contoso.json does not exist)');
  });

  it('is an error when a snapshot there does not load', async () => {
    const { cli, dir } = workspace();
    writeFileSync(join(dir, 'peers', 'contoso.json'), '{"snapshotVersion":');
    const r = await cli(['plan', '--dir', 'config', '--tenant', 'northwind', '--peer-state', 'peers']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('tenant contoso:');
    expect(r.stderr).toContain('is not valid JSON');
  });
});

describe('plan --tenant: mistakes', () => {
  it('an unknown tenant is an error naming the declared tenants, before anything is exported', async () => {
    const { cli } = workspace([]);
    const r = await cli(['plan', '--dir', 'config', '--tenant', 'northwnd']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('plan: no Tenant named "northwnd" (declared: contoso, northwind); nothing was planned');
  });

  it('--peer-state needs --tenant', async () => {
    const { cli } = workspace();
    const r = await cli(['plan', '--dir', 'config', '--peer-state', 'peers']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('--peer-state needs --tenant');
  });
});

describe('a plan made with --tenant, applied with --plan', () => {
  it("is applied with --tenant northwind --peer-state (the snapshots it was made from), with northwind's credentials alone", async () => {
    const { cli, dir } = workspace();
    const made = await cli(['plan', '--dir', 'config', '--tenant', 'northwind', '--peer-state', 'peers', '--out', 'plan.json']);
    expect(made.exitCode, made.stderr).toBe(2);
    // It reads back as a plan (its findings' codes are known to the plan file's schema).
    const shown = await cli(['show', 'plan.json']);
    expect(shown.exitCode, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('PeerStateFromSnapshot');

    const r = await cli(['apply', '--dir', 'config', '--plan', 'plan.json', '--tenant', 'northwind', '--peer-state', 'peers', '--yes', '--record', 'run.json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('Apply: 5 succeeded, 0 failed, 1 skipped.');
    // The batch waits for contoso's scope members: applied by contoso's admin, then northwind again.
    expect(r.stdout).toContain('skipped northwind/MigrationBatch/Wave-1');
    const record = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect(record.refusals ?? []).toEqual([]);
    const sim = JSON.parse(readFileSync(join(dir, 'sim', 'northwind.json'), 'utf8'));
    expect(sim.MailUser.map((u: any) => u.Name)).toContain('Isaiah Langer');
  });

  it.each([
    ['without --tenant', [], 'plan.json was made for tenant northwind alone (plan --tenant northwind): apply it with --tenant northwind --peer-state DIR (the snapshots of contoso it was made from); nothing was changed'],
    ['for the other tenant', ['--tenant', 'contoso', '--peer-state', 'peers'], 'plan.json was made for tenant northwind alone (plan --tenant northwind): it holds no actions of contoso (plan them with plan --tenant contoso); nothing was changed'],
    ['without the snapshots', ['--tenant', 'northwind'], 'plan.json was made for tenant northwind alone (plan --tenant northwind) from the snapshots of contoso: apply it with --peer-state DIR holding those snapshots; nothing was changed'],
  ])('is refused %s, saying how to apply it', async (_name, extra, message) => {
    const { cli, dir } = workspace();
    expect((await cli(['plan', '--dir', 'config', '--tenant', 'northwind', '--peer-state', 'peers', '--out', 'plan.json'])).exitCode).toBe(2);
    const before = readFileSync(join(dir, 'sim', 'northwind.json'), 'utf8');
    const r = await cli(['apply', '--dir', 'config', '--plan', 'plan.json', ...extra, '--yes', '--record', 'run.json']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`apply: ${message}`);
    expect(readFileSync(join(dir, 'sim', 'northwind.json'), 'utf8')).toBe(before);
    expect(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')).refusals).toEqual([message.replace(/; nothing was changed$/, '')]);
  });

  it('is refused when made without the other tenant\'s state (PeerStateMissing)', async () => {
    const { cli } = workspace();
    expect((await cli(['plan', '--dir', 'config', '--tenant', 'northwind', '--out', 'plan.json'])).exitCode).toBe(2);
    const r = await cli(['apply', '--dir', 'config', '--plan', 'plan.json', '--tenant', 'northwind', '--peer-state', 'peers', '--yes']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('apply: plan.json was made for tenant northwind alone (plan --tenant northwind) without the state of contoso (PeerStateMissing): the cross-tenant checks were skipped, so it is not applied');
  });

  it("is stale when contoso's snapshot is not the one it was made from", async () => {
    const { cli, editJson } = workspace();
    expect((await cli(['plan', '--dir', 'config', '--tenant', 'northwind', '--peer-state', 'peers', '--out', 'plan.json'])).exitCode).toBe(2);
    editJson('peers/contoso.json', (state) => {
      state.Mailbox.find((m: any) => m.PrimarySmtpAddress === 'Lara.Newton@contoso.com').LitigationHoldEnabled = true;
    });
    const r = await cli(['apply', '--dir', 'config', '--plan', 'plan.json', '--tenant', 'northwind', '--peer-state', 'peers', '--yes']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('plan is stale: re-plan (the snapshot of tenant contoso in peers is not the one the plan was made from)');
  });

  it('is refused when its actions were edited', async () => {
    const { cli, editJson } = workspace();
    expect((await cli(['plan', '--dir', 'config', '--tenant', 'northwind', '--peer-state', 'peers', '--out', 'plan.json'])).exitCode).toBe(2);
    editJson('plan.json', (plan) => {
      plan.tenants[0].actions = plan.tenants[0].actions.filter((a: any) => a.id !== 'northwind/MailUser/LaraN');
      plan.summary.update -= 1;
    });
    const r = await cli(['apply', '--dir', 'config', '--plan', 'plan.json', '--tenant', 'northwind', '--peer-state', 'peers', '--yes']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('apply: plan is stale: re-plan (the plan file does not match the plan its desired and live state give: action 5 of tenant northwind is northwind/MigrationBatch/Wave-1 in the file, northwind/MailUser/LaraN now');
  });
});
