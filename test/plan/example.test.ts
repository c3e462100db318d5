// The example end to end through the built CLI (run `npm run build` first): its realistic
// differences, then the same state edited to match; JSON output, --out, commits, and input errors.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const cli = join(root, 'dist/cli/main.js');
const example = join(root, 'examples/contoso-northwind');
const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'exo-example-'));
  temps.push(d);
  return d;
};
const plan = (args: string[], cwd = root) => execa('node', [cli, 'plan', ...args], { cwd, reject: false, env: { NO_COLOR: '1' } });

describe('exo-gitops plan on examples/contoso-northwind', () => {
  it("exits 2 and shows the example's differences, the batch last, and the warning", async () => {
    const r = await plan(['--dir', 'examples/contoso-northwind', '--state', 'examples/contoso-northwind/state']);
    expect(r.exitCode, r.stderr).toBe(2);
    const out = r.stdout;
    expect(out).toContain('Tenant northwind (target, northwindtraders.onmicrosoft.com): 4 to create, 2 to update');
    expect(out).toContain('  ~ MailUser LaraN');
    expect(out).toContain('+ EmailAddresses: "X500:/o=First Organization/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=d11ec1a2cacd4f81858c81907273f1f9-Lara"');
    expect(out).toMatch(/~ MailUser AdeleV[\s\S]*ExchangeGuid: "00000000-0000-0000-0000-000000000000" → "4f6a8c0e-1d3b-4a5c-9e7f-0b2d4f6a8c1e"/);
    expect(out).toContain('+ MailUser IsaiahL');
    // Derived from Alex Wilber's Contoso mailbox by the batch, which comes last.
    expect(out).toMatch(/\+ MailUser AlexW[^\n]*\n\s+\+ Name: "Alex Wilber"  \(from contoso mailbox Alex.Wilber@contoso.com, batch Wave-1\)/);
    expect(out).toMatch(/\+ MigrationBatch Wave-1[^\n]*\n\s+\+ SourceEndpoint: "Contoso-T2T"/);
    expect(out).toMatch(/~ DistributionGroup T2T-Migration-Scope[^\n]*\n\s+\+ Members: "Isaiah.Langer@contoso.com"\n\s+\+ Members: "Alex.Wilber@contoso.com"/);
    expect(out).toContain('northwind/MigrationBatch/Wave-1 ← contoso: NotCreated; 8 listed, not created yet');
    expect(out).toMatch(/~ OrganizationRelationship Northwind Traders[^\n]*\n\s+~ MailboxMoveCapability: "RemoteInbound" → "RemoteOutbound"/);
    expect(out).toMatch(/~ Mailbox Megan.Bowen@contoso.com[^\n]*\n\s+~ IsExchangeCloudManaged: false → true/);
    expect(out).toContain('warning CloudManagementNoEffect: Patti.Fernandez@contoso.com');
    expect(out).toContain('Plan: 4 to create, 5 to update, 0 to replace, 0 to delete, 0 blocked; 0 destructive.');
    expect(out).not.toMatch(/\u001b\[/);
    // Target before source.
    expect(out.indexOf('Tenant northwind')).toBeLessThan(out.indexOf('Tenant contoso'));
  });

  it('exits 0 once the state is edited to match the plan', async () => {
    const state = temp();
    cpSync(join(example, 'state'), state, { recursive: true });
    const northwind = JSON.parse(readFileSync(join(state, 'northwind.json'), 'utf8'));
    const contoso = JSON.parse(readFileSync(join(state, 'contoso.json'), 'utf8'));
    const source = (alias: string) => contoso.Mailbox.find((m: { Alias: string }) => m.Alias === alias);
    const lara = northwind.MailUser.find((u: { Alias: string }) => u.Alias === 'LaraN');
    lara.EmailAddresses.push(`X500:${source('LaraN').LegacyExchangeDN}`);
    const adele = northwind.MailUser.find((u: { Alias: string }) => u.Alias === 'AdeleV');
    adele.ExchangeGuid = source('AdeleV').ExchangeGuid;
    adele.EmailAddresses.push(`X500:${source('AdeleV').LegacyExchangeDN}`);
    // IsaiahL, AlexW and JohannaL as the batch derives them from their Contoso mailboxes.
    for (const [alias, name] of [['IsaiahL', 'Isaiah Langer'], ['AlexW', 'Alex Wilber'], ['JohannaL', 'Johanna Lorenz']] as const) {
      const mailbox = source(alias);
      const primary = mailbox.PrimarySmtpAddress.replace('@contoso.com', '@northwindtraders.com');
      northwind.MailUser.push({
        ...adele,
        Name: name, Alias: alias, PrimarySmtpAddress: primary, ExternalEmailAddress: `SMTP:${alias}@contoso.onmicrosoft.com`,
        MicrosoftOnlineServicesID: primary, ExchangeGuid: mailbox.ExchangeGuid,
        EmailAddresses: [`SMTP:${primary}`, `smtp:${alias}@northwindtraders.onmicrosoft.com`, `X500:${mailbox.LegacyExchangeDN}`, ...mailbox.EmailAddresses.filter((a: string) => a.startsWith('X500:'))],
      });
      contoso.DistributionGroup.find((g: { Name: string }) => g.Name === 'T2T-Migration-Scope').Members.push(mailbox.PrimarySmtpAddress);
    }
    const wave = ['Lara.Newton', 'Bianca.Pisani', 'Megan.Bowen', 'Adele.Vance', 'Diego.Siciliani', 'Isaiah.Langer', 'Alex.Wilber', 'Johanna.Lorenz'].map((n) => `${n}@northwindtraders.com`);
    northwind.MigrationBatch = [{ Identity: 'Wave-1', Status: 'Syncing', SourceEndpoint: 'Contoso-T2T', TargetDeliveryDomain: 'northwindtraders.onmicrosoft.com', NotificationEmails: ['migration-team@northwindtraders.com'], CompleteAfterUTC: '2026-12-15T22:00:00Z', TotalCount: 8, ActiveCount: 8, SyncedCount: 0, FinalizedCount: 0, FailedCount: 0 }];
    northwind.MigrationUser = wave.map((Identity) => ({ Identity, BatchId: 'Wave-1', Status: 'Syncing', ErrorSummary: '' }));
    contoso.OrganizationRelationship[0].MailboxMoveCapability = 'RemoteOutbound';
    source('MeganB').IsExchangeCloudManaged = true;
    writeFileSync(join(state, 'northwind.json'), JSON.stringify(northwind, null, 2));
    writeFileSync(join(state, 'contoso.json'), JSON.stringify(contoso, null, 2));

    const r = await plan(['--dir', 'examples/contoso-northwind', '--state', state]);
    expect(r.stdout).toContain('No changes: live state matches the desired state in every tenant.');
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    // The warning stays: it is about the YAML, not the state.
    expect(r.stdout).toContain('CloudManagementNoEffect');
  });

  it('--format json: versioned, with digests and the commit of HEAD; --out writes the same JSON', async () => {
    const out = join(temp(), 'plan.json');
    const r = await plan(['--dir', 'examples/contoso-northwind', '--state', 'examples/contoso-northwind/state', '--format', 'json', '--out', out]);
    expect(r.exitCode).toBe(2);
    const json = JSON.parse(r.stdout);
    expect(json.formatVersion).toBe(1);
    expect(json.desiredDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(Object.keys(json.snapshotDigests)).toEqual(['contoso', 'northwind']);
    for (const d of Object.values(json.snapshotDigests)) expect(d).toMatch(/^sha256:[0-9a-f]{64}$/);
    const head = (await execa('git', ['rev-parse', 'HEAD'], { cwd: root })).stdout.trim();
    expect(json.commit.sha).toBe(head);
    expect(typeof json.commit.dirty).toBe('boolean');
    expect(json.summary).toEqual({ create: 4, update: 5, delete: 0, replace: 0, blocked: 0, destructive: 0 });
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(json);
  });

  it('commit is null outside git; inside a fresh repository it is HEAD, dirty after an edit', async () => {
    const dir = temp();
    cpSync(example, dir, { recursive: true });
    const args = ['--dir', '.', '--state', 'state', '--format', 'json'];
    expect(JSON.parse((await plan(args, dir)).stdout).commit).toBeNull();

    const git = (...a: string[]) => execa('git', a, { cwd: dir, env: { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
    await git('init', '-q');
    await git('add', '.');
    await git('commit', '-qm', 'config');
    const sha = (await git('rev-parse', 'HEAD')).stdout.trim();
    const clean = JSON.parse((await plan(args, dir)).stdout);
    expect(clean.commit).toEqual({ sha, dirty: false });
    writeFileSync(join(dir, 'tenants.yaml'), `${readFileSync(join(dir, 'tenants.yaml'), 'utf8')}\n# edited\n`);
    const dirty = JSON.parse((await plan(args, dir)).stdout);
    expect(dirty.commit).toEqual({ sha, dirty: true });
    expect(dirty.desiredDigest).not.toBe(clean.desiredDigest);
  });

  it('--max-actions 2 turns the northwind plan into a TooManyActions error (exit 1)', async () => {
    const r = await plan(['--dir', 'examples/contoso-northwind', '--state', 'examples/contoso-northwind/state', '--max-actions', '2']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('error TooManyActions: 6 actions planned for northwind, above the limit of 2');
  });
});

describe('errors exit 1', () => {
  it('invalid YAML', async () => {
    const dir = temp();
    cpSync(example, dir, { recursive: true });
    writeFileSync(join(dir, 'broken.yaml'), 'kind: Tenant\nmetadata: [unclosed\n');
    const r = await plan(['--dir', '.', '--state', 'state'], dir);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/broken\.yaml:\d+:\d+: error YamlSyntax/);
    expect(r.stdout).toBe('');
  });

  it('a missing snapshot file names the tenant', async () => {
    const dir = temp();
    cpSync(example, dir, { recursive: true });
    rmSync(join(dir, 'state/northwind.json'));
    const r = await plan(['--dir', '.', '--state', 'state'], dir);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/tenant northwind: .*northwind\.json does not exist/);
  });

  it('a snapshot missing a collection names the tenant and the collection', async () => {
    const dir = temp();
    cpSync(example, dir, { recursive: true });
    const s = JSON.parse(readFileSync(join(dir, 'state/contoso.json'), 'utf8'));
    delete s.MailUser;
    writeFileSync(join(dir, 'state/contoso.json'), JSON.stringify(s));
    const r = await plan(['--dir', '.', '--state', 'state'], dir);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('tenant contoso: the snapshot is missing MailUser');
  });

  it('a snapshot object without a property names the tenant and the object', async () => {
    const dir = temp();
    cpSync(example, dir, { recursive: true });
    const s = JSON.parse(readFileSync(join(dir, 'state/northwind.json'), 'utf8'));
    delete s.MailUser[2].ExchangeGuid;
    writeFileSync(join(dir, 'state/northwind.json'), JSON.stringify(s));
    const r = await plan(['--dir', '.', '--state', 'state'], dir);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('tenant northwind: MailUser[2] (Megan Bowen) is missing ExchangeGuid');
  });

  it('a truncated snapshot names the tenant and says it may be truncated', async () => {
    const dir = temp();
    cpSync(example, dir, { recursive: true });
    const text = readFileSync(join(dir, 'state/contoso.json'), 'utf8');
    writeFileSync(join(dir, 'state/contoso.json'), text.slice(0, text.length / 2));
    const r = await plan(['--dir', '.', '--state', 'state'], dir);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/tenant contoso: .*contoso\.json is not valid JSON .*truncated/);
  });
});
