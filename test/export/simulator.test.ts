// export through the built CLI (run `npm run build` first) with the simulator as pwsh, and with fake
// pwsh programs that fail in each way a real one can.
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { writeScaleFixture } from './scale-fixture.js';
import { readSnapshot } from '../../src/load/snapshot.js';
import { snapshotFileLines } from '../../src/load/snapshot-file.js';

const root = new URL('../../', import.meta.url).pathname;
const cli = join(root, 'dist/cli/main.js');
const simulator = join(root, 'dist/simulator/main.js');
const example = join(root, 'examples/contoso-northwind');
const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'exo-export-'));
  temps.push(d);
  return d;
};
const SECRETS = { CONTOSO_EXO_TOKEN: 'tok-0123456789-SECRET', NORTHWIND_CERT_PASSWORD: 'pw-9876543210-SECRET' };
const baseEnv = { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...SECRETS };
const run = (args: string[], env: Record<string, string>, cwd = root) => execa('node', [cli, ...args], { cwd, env, extendEnv: false, reject: false });

function planView(json: string) {
  const plan = JSON.parse(json);
  return { tenants: plan.tenants, findings: plan.findings, summary: plan.summary };
}

describe('export through the simulator', () => {
  it('reads one tenant at a time with --concurrency 1, and refuses 0', async () => {
    const dir = temp();
    const sim = join(dir, 'sim');
    cpSync(join(example, 'state'), sim, { recursive: true });
    const one = await run(['export', '--dir', 'examples/contoso-northwind', '--state', join(dir, 'out'), '--concurrency', '1'], { ...baseEnv, EXO_GITOPS_PWSH: simulator, EXO_SIM_STATE: sim });
    expect(one.exitCode, one.stderr).toBe(0);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['contoso.json', 'northwind.json']);
    const zero = await run(['export', '--dir', 'examples/contoso-northwind', '--state', join(dir, 'zero'), '--concurrency', '0'], { ...baseEnv, EXO_GITOPS_PWSH: simulator, EXO_SIM_STATE: sim });
    expect(zero.exitCode).toBe(1);
    expect(zero.stderr).toMatch(/--concurrency <n>' argument '0' is invalid\. expected a whole number of at least 1/);
    expect(existsSync(join(dir, 'zero'))).toBe(false);
  });

  it('writes snapshots that plan exactly as the originals do', async () => {
    const dir = temp();
    const sim = join(dir, 'sim');
    const out = join(dir, 'out');
    cpSync(join(example, 'state'), sim, { recursive: true });
    const r = await run(['export', '--dir', 'examples/contoso-northwind', '--state', out], { ...baseEnv, EXO_GITOPS_PWSH: simulator, EXO_SIM_STATE: sim });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/exported contoso → .*contoso\.json .*9 mailboxes/);
    expect(r.stdout).toMatch(/exported northwind → .*northwind\.json .*5 mail users/);
    const fromExport = await run(['plan', '--dir', 'examples/contoso-northwind', '--state', out, '--format', 'json'], baseEnv);
    const fromOriginal = await run(['plan', '--dir', 'examples/contoso-northwind', '--state', join(example, 'state'), '--format', 'json'], baseEnv);
    expect(fromExport.exitCode).toBe(2);
    expect(planView(fromExport.stdout)).toEqual(planView(fromOriginal.stdout));
    // Re-exporting unchanged state keeps every digest.
    const again = await run(['export', '--dir', 'examples/contoso-northwind', '--state', out], { ...baseEnv, EXO_GITOPS_PWSH: simulator, EXO_SIM_STATE: sim });
    expect(again.exitCode).toBe(0);
    const replanned = await run(['plan', '--dir', 'examples/contoso-northwind', '--state', out, '--format', 'json'], baseEnv);
    expect(JSON.parse(replanned.stdout).snapshotDigests).toEqual(JSON.parse(fromExport.stdout).snapshotDigests);
    for (const secret of Object.values(SECRETS)) {
      expect(readFileSync(join(out, 'contoso.json'), 'utf8') + r.stdout + r.stderr).not.toContain(secret);
    }
  });

  it('makes the same remote calls for 10 mail users as for 10,000', async () => {
    const calls: Record<string, number>[] = [];
    for (const n of [10, 10_000]) {
      const dir = temp();
      const { config, simState, out } = writeScaleFixture(dir, n);
      const metrics = join(dir, 'metrics.json');
      const r = await run(['export', '--dir', config, '--state', out], { ...baseEnv, FABRIKAM_EXO_TOKEN: 'token-value', EXO_GITOPS_PWSH: simulator, EXO_SIM_STATE: simState, EXO_SIM_METRICS: metrics });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toContain(`${n} mail users`);
      expect(readSnapshot(join(out, 'fabrikam.json'), 'fabrikam').MailUser).toHaveLength(n);
      calls.push(JSON.parse(readFileSync(metrics, 'utf8')).calls);
    }
    expect(calls[1]).toEqual(calls[0]);
    expect(calls[0]!['Get-MailUser']).toBe(1);
    expect(Object.values(calls[0]!).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(12);
  });

  it('reads statistics only of the linked mailboxes a hold covers: the same calls for 20 mailboxes as for 5,000', async () => {
    // Five links: two mailboxes on hold, by address (in another case) and by alias; one whose hold was
    // just removed (a delay hold: its quota is back at 30 GB, its deleted items may not be); one no
    // hold covers (its deleted items cannot outgrow the 30 GB a target mail user has by default: not
    // read); one to a mailbox that does not exist (not read: the plan reports it).
    const linked = ['BOX3@Fabrikam.com', 'box7', 'box9', 'box5', 'nobody@fabrikam.com'];
    const calls: Record<string, number>[] = [];
    for (const n of [20, 5_000]) {
      const dir = temp();
      const { config, simState, out } = writeScaleFixture(dir, 0, { mailboxes: n, linked });
      const metrics = join(dir, 'metrics.json');
      const r = await run(['export', '--dir', config, '--state', out, '--tenant', 'fabrikam'], { ...baseEnv, FABRIKAM_EXO_TOKEN: 'token-value', EXO_GITOPS_PWSH: simulator, EXO_SIM_STATE: simState, EXO_SIM_METRICS: metrics });
      expect(r.exitCode, r.stderr).toBe(0);
      const snapshot = readSnapshot(join(out, 'fabrikam.json'), 'fabrikam');
      expect(snapshot.Mailbox).toHaveLength(n);
      expect(snapshot.MailboxStatistics.map((s: { MailboxGuid: string }) => s.MailboxGuid)).toEqual(['00000003-1111-4000-8000-000000000003', '00000007-1111-4000-8000-000000000007', '00000009-1111-4000-8000-000000000009']);
      // Each mailbox's quota read in the same bulk call: 100 GB on hold, 30 GB otherwise.
      const quota = (alias: string) => snapshot.Mailbox.find((m: { Alias: string }) => m.Alias === alias).RecoverableItemsQuotaBytes;
      expect([quota('box3'), quota('box5'), quota('box7'), quota('box9')]).toEqual([100 * 2 ** 30, 30 * 2 ** 30, 100 * 2 ** 30, 30 * 2 ** 30]);
      calls.push(JSON.parse(readFileSync(metrics, 'utf8')).calls);
    }
    expect(calls[1]).toEqual(calls[0]);
    expect(calls[0]).toMatchObject({ 'Get-EXOMailbox': 1, 'Get-EXOMailboxStatistics': 3 });
    // Connect, seven bulk reads, Disconnect, and one call per linked mailbox on hold or just released.
    expect(Object.values(calls[0]!).reduce((a, b) => a + b, 0)).toBe(9 + 3);
  });
});

describe('export failures exit 1, name the tenant, and write nothing', () => {
  function fakePwsh(body: string): string {
    const dir = temp();
    const file = join(dir, 'fake-pwsh.mjs');
    writeFileSync(file, `#!/usr/bin/env node\nimport { readFileSync } from 'node:fs';\nreadFileSync(0, 'utf8');\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  }
  const good = { tenant: { tenantId: '6c7b4d2e-3f1a-4e8b-9c5d-2a1b3c4d5e6f' }, OrganizationConfig: { IsDehydrated: false }, AcceptedDomain: [], OrganizationRelationship: [], MigrationEndpoint: [], DistributionGroup: [], MailUser: [], Mailbox: [] };
  /** A fake pwsh body that writes a snapshot as the export script does: its lines, then the end line (unless `cut`). */
  const writes = (snapshot: Record<string, unknown>, cut?: number) => {
    const text = `${[...snapshotFileLines(snapshot)].join('\n')}\n{"end":{}}\n`;
    return `(await import('node:fs')).writeFileSync(process.env.EXO_GITOPS_SNAPSHOT_FILE, ${JSON.stringify(cut === undefined ? text : text.slice(0, cut))});`;
  };
  const changed = (change: (s: Record<string, any>) => void) => {
    const s = structuredClone(good) as Record<string, any>;
    change(s);
    return s;
  };

  async function exportWith(pwsh: string) {
    const out = join(temp(), 'out');
    mkdirSync(out);
    const r = await run(['export', '--dir', 'examples/contoso-northwind', '--state', out, '--tenant', 'contoso'], { ...baseEnv, EXO_GITOPS_PWSH: pwsh });
    return { ...r, files: readdirSync(out) };
  }

  it('PowerShell not found', async () => {
    const r = await exportWith(join(temp(), 'no-such-pwsh'));
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/tenant contoso: PowerShell was not found/);
    expect(r.files).toEqual([]);
  });

  it.each([
    ['truncated output', writes(good, 150), /cut short/],
    ['not JSON', `(await import('node:fs')).writeFileSync(process.env.EXO_GITOPS_SNAPSHOT_FILE, '{"format":"exo-gitops/snapshot-lines"}\\nWARNING: this is not json\\n');`, /not valid JSON/],
    ['no snapshot at all', `console.log('hello');`, /wrote no snapshot/],
    ['no tenant ID (Get-OrganizationConfig printed no ExternalDirectoryOrganizationId)', writes(changed((s) => (s.tenant.tenantId = ''))), /printed no tenant ID/],
    ['a mistyped new property', writes(changed((s) => (s.MigrationEndpoint = [{ Identity: 'ep', EndpointType: 'ExchangeRemoteMove', RemoteServer: null, RemoteTenant: null, ApplicationId: null, MaxConcurrentMigrations: 'lots' }]))), /MigrationEndpoint\[0\] \(ep\) MaxConcurrentMigrations must be a whole number, "Unlimited" or null, got the text "lots"/],
    ['a missing collection', writes(changed((s) => delete s.Mailbox)), /missing Mailbox/],
    ['an object missing a property', writes(changed((s) => (s.MailUser = [{ Name: 'Bad One' }]))), /MailUser\[0\] \(Bad One\) is missing/],
    ['exit 1 with an error', `console.error('Connect-ExchangeOnline: AADSTS700016: Application not found'); process.exit(1);`, /export failed \(exit code 1\):\n[\s\S]*AADSTS700016/],
  ])('%s', async (_name, body, message) => {
    const r = await exportWith(fakePwsh(body));
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/tenant contoso: /);
    expect(r.stderr).toMatch(message);
    expect(r.files).toEqual([]);
  });

  it('a well-formed fake snapshot is written (the fake pwsh works)', async () => {
    const r = await exportWith(fakePwsh(writes(good)));
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.files).toEqual(['contoso.json']);
  });

  it('the access token echoed on stderr is redacted from the CLI output', async () => {
    const r = await exportWith(fakePwsh(`console.error('Connect-ExchangeOnline: invalid token ' + process.env.CONTOSO_EXO_TOKEN + ' for contoso'); process.exit(1);`));
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('invalid token *** for contoso');
    expect(r.stdout + r.stderr).not.toContain(SECRETS.CONTOSO_EXO_TOKEN);
  });

  it('one failing tenant writes no file for any tenant', async () => {
    const out = join(temp(), 'out');
    // contoso's export fails; northwind's succeeds, and is not written either.
    const pwsh = fakePwsh(`if (readFileSync(process.argv.at(-1), 'utf8').includes('Tenant contoso')) { console.error('Get-Mailbox: boom'); process.exit(1); } ${writes(good)}`);
    const r = await run(['export', '--dir', 'examples/contoso-northwind', '--state', out], { ...baseEnv, EXO_GITOPS_PWSH: pwsh });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('tenant contoso');
    expect(r.stderr).not.toContain('tenant northwind');
    expect(existsSync(join(out, 'contoso.json')) || existsSync(join(out, 'northwind.json'))).toBe(false);
  });
});
