// import: YAML for what a tenant already has. The proof is the round trip: plan of the imported YAML
// against the same state changes nothing, for the example, for a generated 5,000-MEU pair of tenants,
// for any mail user (fast-check), and read live through the simulator.
import fc from 'fast-check';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/program.js';
import { DOCUMENTS_PER_FILE, envName, importTenant, knownTenantsOf, membersFileName } from '../../src/import/import.js';
import type { Plan } from '../../src/model/plan.js';
import type { MailUserEntry, Snapshot } from '../../src/model/snapshot.js';
import { generateSnapshots } from '../bench/generate.mjs';
import { CONTOSO_ID, EMPTY, contosoSnapshot, mailbox, mailUser, northwindSnapshot } from '../plan/fixtures.js';

const root = new URL('../../', import.meta.url).pathname;
const exampleState = join(root, 'examples/contoso-northwind/state');

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'exo-import-'));
  dirs.push(dir);
  return dir;
}

async function cli(args: string[], env: Record<string, string> = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const exitCode = await run(args, { env: { NO_COLOR: '1', ...env }, stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) });
  return { exitCode, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

async function importBoth(state: string, out: string): Promise<string> {
  const printed: string[] = [];
  for (const tenant of ['northwind', 'contoso']) {
    const r = await cli(['import', '--tenant', tenant, '--state', state, '--out', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    printed.push(r.stdout);
  }
  return printed.join('\n');
}

async function planJson(dir: string, state: string): Promise<{ exitCode: number; plan: Plan }> {
  const r = await cli(['plan', '--dir', dir, '--state', state, '--format', 'json', '--max-actions', '0']);
  return { exitCode: r.exitCode, plan: JSON.parse(r.stdout) as Plan };
}

const actionIds = (plan: Plan): string[] => plan.tenants.flatMap((t) => t.actions.map((a) => a.id));
const filesUnder = (dir: string): string[] => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));

describe('import of the example', () => {
  it('writes every kind it manages, and plan of the result changes nothing', async () => {
    const out = tempDir();
    const printed = await importBoth(exampleState, out);
    expect(printed).toContain('imported northwind → ');
    expect(printed).toContain('1 tenant, 1 relationship, 1 endpoint, 5 mail users');
    expect(printed).toContain('imported contoso → ');
    expect(printed).toContain('1 relationship, 1 scope group, 1 cloud-managed list');
    expect(readFileSync(join(out, 'contoso/t2t-migration-scope.members.csv'), 'utf8')).toContain('Lara.Newton@contoso.com\n');
    const specs = (file: string) => parseAllDocuments(readFileSync(join(out, file), 'utf8')).map((d) => (d.toJS() as { spec: unknown }).spec);
    // The live values, partners by name: the relationship as Contoso has it (RemoteInbound, a mistake plan reports).
    expect(specs('contoso/relationships.yaml')).toEqual([
      { partner: 'northwind', enabled: true, mailboxMoveEnabled: true, mailboxMoveCapability: ['RemoteInbound'], oauthApplicationId: '8b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', mailboxMovePublishedScopes: ['T2T-Migration-Scope'] },
    ]);
    expect(specs('northwind/relationships.yaml')).toEqual([{ partner: 'contoso', enabled: true, mailboxMoveEnabled: true, mailboxMoveCapability: ['Inbound'] }]);
    expect(specs('northwind/endpoints.yaml')).toEqual([
      { partner: 'contoso', remoteServer: 'outlook.office.com', applicationId: '8b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', maxConcurrentMigrations: 20, credentials: { secretEnv: 'NORTHWIND_CONTOSO_T2T_SECRET' } },
    ]);
    expect(specs('contoso/scopes.yaml')).toEqual([{ membersFile: 't2t-migration-scope.members.csv' }]);
    expect(specs('contoso/cloud-management.yaml')).toEqual([{ isExchangeCloudManaged: true, mailboxes: ['Alex.Wilber@contoso.com'] }]);
    expect(specs('contoso/tenant.yaml')).toEqual([
      { tenantId: CONTOSO_ID, organization: 'contoso.onmicrosoft.com', acceptedDomains: expect.arrayContaining(['contoso.com']), connection: { accessTokenEnv: 'CONTOSO_EXO_TOKEN' } },
    ]);

    const { plan } = await planJson(out, exampleState);
    expect(actionIds(plan)).toEqual([]);
    // The live state is half set up: the findings are the example's real problems (Contoso's relationship
    // says RemoteInbound), not differences the import made.
    expect(plan.findings.filter((f) => f.severity === 'error').map((f) => f.code).sort()).toEqual(['LiveRelationshipPairMismatch', 'RelationshipPairMismatch']);
  });

  it('links each MEU to its source mailbox, or says what linking would stamp', async () => {
    const out = tempDir();
    const printed = await importBoth(exampleState, out);
    const docs = parseAllDocuments(readFileSync(join(out, 'northwind/mailusers.yaml'), 'utf8')).map((d) => d.toJS() as { metadata: { name: string }; spec: Record<string, unknown> });
    const byName = new Map(docs.map((d) => [d.metadata.name, d.spec]));
    expect(byName.get('BiancaP')!.source).toEqual({ tenant: 'contoso', mailbox: 'Bianca.Pisani@contoso.com' });
    expect(byName.get('MeganB')!.source).toEqual({ tenant: 'contoso', mailbox: 'Megan.Bowen@contoso.com' });
    // Lara's MEU lacks the X500 of her LegacyExchangeDN, Adele's has no ExchangeGuid yet: a link would change them.
    expect(byName.get('LaraN')!.source).toBeUndefined();
    expect(byName.get('AdeleV')!).not.toHaveProperty('exchangeGuid');
    const text = readFileSync(join(out, 'northwind/mailusers.yaml'), 'utf8');
    expect(text).toContain('# source: {tenant: contoso, mailbox: Lara.Newton@contoso.com}');
    expect(printed).toMatch(/LaraN: not linked yet: the mail user lacks the X500 address X500:\/o=First Organization/);
    expect(printed).toMatch(/AdeleV: not linked yet: the mail user lacks ExchangeGuid /);

    // Uncommenting the link is the repair: plan then stamps exactly what was missing.
    writeFileSync(join(out, 'northwind/mailusers.yaml'), text.replace('  # source: {tenant: contoso, mailbox: Lara.Newton@contoso.com}', '  source: {tenant: contoso, mailbox: Lara.Newton@contoso.com}'));
    const { plan } = await planJson(out, exampleState);
    expect(actionIds(plan)).toEqual(['northwind/MailUser/LaraN']);
    expect(plan.tenants.flatMap((t) => t.actions)[0]!.changes).toEqual([expect.objectContaining({ field: 'EmailAddresses', add: [expect.stringMatching(/^X500:\/o=First Organization/)] })]);
  });

  it('never writes a secret: sign-in and endpoint secrets are variable names, and an existing Tenant document is not rewritten', async () => {
    const out = tempDir();
    const config = tempDir();
    cpSync(join(root, 'examples/contoso-northwind/tenants.yaml'), join(config, 'tenants.yaml'));
    const secrets = { NORTHWIND_CERT_PASSWORD: 'Pa55-northwind-cert', CONTOSO_EXO_TOKEN: 'eyJ0eXAiOiJKV1QiLCJhbGciOi' };
    const r = await cli(['import', '--tenant', 'northwind', '--dir', config, '--state', exampleState, '--out', out], secrets);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(join(out, 'northwind/tenant.yaml'))).toBe(false);
    const written = filesUnder(out).map((f) => readFileSync(f, 'utf8')).join('\n');
    for (const secret of Object.values(secrets)) expect(written).not.toContain(secret);
    expect(written).toContain('secretEnv: NORTHWIND_CONTOSO_T2T_SECRET');
    expect(r.stdout).toContain('NORTHWIND_CONTOSO_T2T_SECRET at apply time');
  });

  it('refuses to overwrite, and fails clearly without a snapshot or a Tenant document; nothing is written', async () => {
    const out = tempDir();
    await importBoth(exampleState, out);
    const before = readFileSync(join(out, 'northwind/mailusers.yaml'), 'utf8');
    writeFileSync(join(out, 'northwind/mailusers.yaml'), `${before}# my edit\n`);
    const again = await cli(['import', '--tenant', 'northwind', '--state', exampleState, '--out', out]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toMatch(/import: .*northwind\/tenant\.yaml.*exist; nothing was written \(--force overwrites\)/);
    expect(readFileSync(join(out, 'northwind/mailusers.yaml'), 'utf8')).toContain('# my edit');
    expect((await cli(['import', '--tenant', 'northwind', '--state', exampleState, '--out', out, '--force'])).exitCode).toBe(0);
    expect(readFileSync(join(out, 'northwind/mailusers.yaml'), 'utf8')).toBe(before);

    const empty = tempDir();
    const unknown = await cli(['import', '--tenant', 'fabrikam', '--state', exampleState, '--out', join(empty, 'out')]);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('fabrikam.json does not exist');
    const live = await cli(['import', '--tenant', 'northwind', '--out', join(empty, 'out')]);
    expect(live.exitCode).toBe(1);
    expect(live.stderr).toContain('reading northwind live needs its Tenant document: give --dir');
    const broken = tempDir();
    writeFileSync(join(broken, 'contoso.json'), '{"snapshotVersion": 1, "tenant": ');
    const truncated = await cli(['import', '--tenant', 'contoso', '--state', broken, '--out', join(empty, 'out')]);
    expect(truncated.exitCode).toBe(1);
    expect(truncated.stderr).toMatch(/contoso/);
    expect(existsSync(join(empty, 'out'))).toBe(false);
  });
});

describe('import of odd live data', () => {
  it('writes only what validates and shows: free/busy relationships, # and , in member addresses, control, invisible and secret-like values, GUIDs that contradict the source', async () => {
    const contoso = contosoSnapshot();
    contoso.DistributionGroup[0]!.Members = ['Lara.Newton@contoso.com', '#hash@contoso.com', 'a,b@contoso.com'];
    contoso.Mailbox.push(mailbox({ Alias: 'Hash', Name: 'Hash', PrimarySmtpAddress: '#hash@contoso.com', ExchangeGuid: '11111111-2222-4333-8444-555555555555', EmailAddresses: ['SMTP:#hash@contoso.com'] }));
    contoso.Mailbox.push(mailbox({ Alias: 'Comma', Name: 'Comma', PrimarySmtpAddress: 'a,b@contoso.com', ExchangeGuid: '11111111-2222-4333-8444-666666666666', EmailAddresses: ['SMTP:a,b@contoso.com'] }));
    const northwind = northwindSnapshot();
    // A free/busy relationship with a third organization: no move capability, DomainNames are domains.
    northwind.OrganizationRelationship.push({ Name: 'Fabrikam free/busy', DomainNames: ['fabrikam.com', 'fabrikam.onmicrosoft.com'], Enabled: true, MailboxMoveEnabled: false, MailboxMoveCapability: 'None', OAuthApplicationId: null, MailboxMovePublishedScopes: [] });
    Object.assign(northwind.MailUser[0]!, {
      CustomAttribute2: 'bell\u0007',
      CustomAttribute3: 'evil\u202Egnp.exe',
      CustomAttribute4: 'Zq8vN3xW1pL7kR2tY9bM4cF6hJ0sD5gA8eU3iO1yT6',
      CustomAttribute5: 'kept',
      // Lara's MEU carries an archive her mailbox does not have: linking would be an error, not a repair.
      ArchiveGuid: '99999999-8888-4777-8666-555555555555',
    });
    const state = tempDir();
    writeFileSync(join(state, 'contoso.json'), JSON.stringify(contoso));
    writeFileSync(join(state, 'northwind.json'), JSON.stringify(northwind));
    writeFileSync(join(state, 'plan.json'), '{"formatVersion": 1}');
    const out = tempDir();
    const printed = await importBoth(state, out);
    expect(printed).toContain('not imported: organization relationship Fabrikam free/busy');
    expect(printed).toContain('left out (not managed): CustomAttribute2 holds a control character; CustomAttribute3 holds an invisible character; CustomAttribute4 looks like a secret');
    expect(printed).toMatch(/LaraN: not linked: it has an ArchiveGuid but the mailbox has no archive \(ArchiveWithoutSource\)/);
    expect(printed).toContain('passed over');
    const written = filesUnder(out).map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(written).not.toMatch(/[\u0007\u202E]|Zq8vN3xW1pL7kR2tY9bM4cF6hJ0sD5gA8eU3iO1yT6/);
    expect(written).toContain('"5": kept');
    expect(readFileSync(join(out, 'contoso/t2t-scope.members.csv'), 'utf8')).toContain('Lara.Newton@contoso.com\n"#hash@contoso.com"\n');
    expect(readFileSync(join(out, 'contoso/scopes.yaml'), 'utf8')).toContain('members: ["a,b@contoso.com"]');

    const validate = await cli(['validate', '--dir', out]);
    expect(validate.exitCode, validate.stdout).toBe(0);
    const { plan } = await planJson(out, state);
    expect(actionIds(plan)).toEqual([]);
    expect(plan.findings.filter((f) => f.severity === 'error').map((f) => f.code)).toEqual([]);
  });
});

describe('import again with --force', () => {
  it('removes the files an earlier import wrote that this one does not (no document twice), and nothing else', async () => {
    const many = Array.from({ length: DOCUMENTS_PER_FILE + 1 }, (_, i) => mailUser({ Alias: `user${i}`, Name: `user${i}`, PrimarySmtpAddress: `user${i}@northwindtraders.com`, ExternalEmailAddress: `SMTP:user${i}@contoso.onmicrosoft.com`, ExchangeGuid: EMPTY }));
    const state = tempDir();
    const write = (users: MailUserEntry[]) => {
      const northwind = northwindSnapshot();
      northwind.MailUser = users;
      writeFileSync(join(state, 'northwind.json'), JSON.stringify(northwind));
      writeFileSync(join(state, 'contoso.json'), JSON.stringify(contosoSnapshot()));
    };
    write(many);
    const out = tempDir();
    await importBoth(state, out);
    expect(existsSync(join(out, 'northwind/mailusers-2.yaml'))).toBe(true);
    writeFileSync(join(out, 'northwind/notes.yaml'), '# my own file\n');
    write(many.slice(0, 10));
    const again = await cli(['import', '--tenant', 'northwind', '--state', state, '--out', out, '--force']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain('removed ');
    expect(readdirSync(join(out, 'northwind')).sort()).toEqual(['endpoints.yaml', 'mailusers.yaml', 'notes.yaml', 'relationships.yaml', 'tenant.yaml']);
    const { plan } = await planJson(out, state);
    expect(actionIds(plan)).toEqual([]);
  }, 60_000);
});

describe('import at scale', () => {
  it('round-trips 5,000 MEUs, their scope group and their source links', async () => {
    const state = tempDir();
    generateSnapshots(state, 5000, 0.01);
    const out = tempDir();
    const printed = await importBoth(state, out);
    expect(printed).toContain('5000 mail users');
    const { plan } = await planJson(out, state);
    expect(actionIds(plan)).toEqual([]);
    const text = readFileSync(join(out, 'northwind/mailusers.yaml'), 'utf8');
    // The 1% that drifted (an X500 missing, an ExchangeGuid unstamped) are imported unlinked, with the reason.
    expect(text.match(/^ {2}source: /gm)!.length).toBeGreaterThan(4900);
    expect(text.match(/^ {2}# source: /gm)!.length).toBeGreaterThan(0);
  }, 120_000);
});

describe('import live, through the simulator', () => {
  it('exports the tenant, links MEUs with --peer-state, and the result plans clean against the same tenants', async () => {
    const tenants = tempDir();
    cpSync(exampleState, tenants, { recursive: true });
    const config = tempDir();
    cpSync(join(root, 'examples/contoso-northwind/tenants.yaml'), join(config, 'tenants.yaml'));
    const env = { EXO_GITOPS_PWSH: 'exo-gitops-sim:in-process', EXO_SIM_STATE: tenants, CONTOSO_EXO_TOKEN: 'token', NORTHWIND_CERT_PASSWORD: 'password' };
    const out = join(config, 'imported');
    for (const [tenant, partner] of [['northwind', 'contoso'], ['contoso', 'northwind']] as const) {
      // The partner's snapshot alone, as the other admin would hand it over.
      const peers = tempDir();
      cpSync(join(exampleState, `${partner}.json`), join(peers, `${partner}.json`));
      const r = await cli(['import', '--tenant', tenant, '--dir', config, '--peer-state', peers, '--out', out], env);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    const r = await cli(['plan', '--dir', config, '--format', 'json', '--max-actions', '0'], env);
    expect(actionIds(JSON.parse(r.stdout) as Plan)).toEqual([]);
    expect(readFileSync(join(out, 'northwind/mailusers.yaml'), 'utf8')).toContain('source: {tenant: contoso, mailbox: Bianca.Pisani@contoso.com}');
  });
});

describe('importTenant', () => {
  const snapshots = (users: MailUserEntry[]): Map<string, Snapshot> => {
    const northwind = northwindSnapshot();
    northwind.MailUser = users;
    return new Map([['contoso', contosoSnapshot()], ['northwind', northwind]]);
  };

  it('leaves out mail users that stand for no partner mailbox, and the moved users of a source tenant', () => {
    const all = snapshots([mailUser({ Alias: 'Vendor', Name: 'Vendor', PrimarySmtpAddress: 'vendor@northwindtraders.com', ExternalEmailAddress: 'SMTP:sales@fabrikam.com', ExchangeGuid: EMPTY, EmailAddresses: [] })]);
    const result = importTenant({ tenant: 'northwind', snapshot: all.get('northwind')!, peers: all, knownTenants: knownTenantsOf([], all), hasTenantDocument: true });
    expect(result.files.map((f) => f.path)).not.toContain('northwind/mailusers.yaml');
    expect(result.notes).toContain('not imported: 1 mail user linked to no mailbox of a known partner tenant.');
    // Contoso publishes its scope to Northwind: a mail user of Contoso pointing at Northwind is a moved user, not an MEU.
    const contoso = all.get('contoso')!;
    contoso.OrganizationRelationship[0]!.MailboxMoveCapability = 'RemoteOutbound';
    contoso.MailUser = [mailUser({ Alias: 'Moved', ExternalEmailAddress: 'SMTP:Moved@northwindtraders.onmicrosoft.com', PreviousRecipientTypeDetails: 'UserMailbox' })];
    const source = importTenant({ tenant: 'contoso', snapshot: contoso, peers: all, knownTenants: knownTenantsOf([], all), hasTenantDocument: true });
    expect(source.counts.MailUser).toBeUndefined();
  });

  it('spreads many mail users over files of 5,000 documents, each well within the 16 MiB a YAML file may hold', () => {
    const users = Array.from({ length: DOCUMENTS_PER_FILE + 1 }, (_, i) => mailUser({ Alias: `user${i}`, Name: `user${i}`, PrimarySmtpAddress: `user${i}@northwindtraders.com`, ExternalEmailAddress: `SMTP:user${i}@contoso.onmicrosoft.com` }));
    const all = snapshots(users);
    const result = importTenant({ tenant: 'northwind', snapshot: all.get('northwind')!, peers: all, knownTenants: knownTenantsOf([], all), hasTenantDocument: true });
    const parts = result.files.filter((f) => f.path.startsWith('northwind/mailusers'));
    expect(parts.map((f) => f.path)).toEqual(['northwind/mailusers-1.yaml', 'northwind/mailusers-2.yaml']);
    expect(parts.map((f) => parseAllDocuments(f.content).length)).toEqual([DOCUMENTS_PER_FILE, 1]);
    expect(Math.max(...parts.map((f) => Buffer.byteLength(f.content)))).toBeLessThan(16 * 1024 * 1024 / 2);
    expect(result.counts.MailUser).toBe(DOCUMENTS_PER_FILE + 1);
  });

  it('names placeholders and members files safely', () => {
    expect(envName('northwind', 'Contoso-T2T', 'SECRET')).toBe('NORTHWIND_CONTOSO_T2T_SECRET');
    expect(envName('2nd tenant', 'EXO_TOKEN')).toBe('_2ND_TENANT_EXO_TOKEN');
    const taken = new Set<string>();
    expect([membersFileName('T2T Scope', taken), membersFileName('t2t-scope', taken), membersFileName('¿?', taken)]).toEqual(['t2t-scope.members.csv', 't2t-scope-2.members.csv', 'scope.members.csv']);
  });

  it('round-trips any mail user: plan of the imported YAML changes nothing (fast-check)', async () => {
    const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,11}$/);
    const guid = fc.uuid({ version: 4 });
    const user = fc.record({
      alias: word.filter((w) => w.toLowerCase() !== 'laran'),
      name: fc.option(fc.stringMatching(/^[A-Za-z][A-Za-z .'-]{0,20}[A-Za-z]$/), { nil: undefined }),
      exchangeGuid: fc.option(guid, { nil: undefined }),
      archiveGuid: fc.option(guid, { nil: undefined }),
      proxies: fc.uniqueArray(fc.oneof(word.map((w) => `smtp:${w}@northwindtraders.onmicrosoft.com`), word.map((w) => `X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${w}`)), { maxLength: 4, selector: (p) => p.toLowerCase() }),
      // A mailbox in Contoso with the same ExchangeGuid (and an X500 of its own the MEU may lack), or none.
      sourceX500: fc.option(fc.boolean(), { nil: undefined }),
      attributes: fc.dictionary(fc.integer({ min: 1, max: 15 }).map(String), fc.stringMatching(/^[A-Za-z0-9 #:'"-]{1,20}$/).filter((v) => v.trim() === v), { maxKeys: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(user, async (u) => {
        const entry = mailUser({
          Alias: u.alias,
          Name: u.name ?? u.alias,
          PrimarySmtpAddress: `${u.alias}@northwindtraders.com`,
          ExternalEmailAddress: `SMTP:${u.alias}@contoso.onmicrosoft.com`,
          MicrosoftOnlineServicesID: `${u.alias}@northwindtraders.onmicrosoft.com`,
          ExchangeGuid: u.exchangeGuid ?? EMPTY,
          ArchiveGuid: u.archiveGuid ?? EMPTY,
          EmailAddresses: [`SMTP:${u.alias}@northwindtraders.com`, ...u.proxies],
          ...Object.fromEntries(Object.entries(u.attributes).map(([n, v]) => [`CustomAttribute${n}`, v])),
        });
        const all = snapshots([entry]);
        if (u.sourceX500 !== undefined && u.exchangeGuid !== undefined) {
          const dn = `/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=source-${u.alias}`;
          all.get('contoso')!.Mailbox.push(mailbox({ Alias: `src${u.alias}`, Name: `src${u.alias}`, PrimarySmtpAddress: `src${u.alias}@contoso.com`, ExchangeGuid: u.exchangeGuid, LegacyExchangeDN: dn, EmailAddresses: [`SMTP:src${u.alias}@contoso.com`] }));
          if (u.sourceX500) entry.EmailAddresses.push(`X500:${dn}`);
        }
        const state = tempDir();
        for (const [name, s] of all) writeFileSync(join(state, `${name}.json`), JSON.stringify(s));
        const out = tempDir();
        await importBoth(state, out);
        const { plan } = await planJson(out, state);
        expect(actionIds(plan)).toEqual([]);
        // And nothing was left out to get there: every live value is in the YAML, which could recreate the mail user.
        const spec = (parseAllDocuments(readFileSync(join(out, 'northwind/mailusers.yaml'), 'utf8'))[0]!.toJS() as { spec: Record<string, unknown> }).spec;
        expect(spec).toMatchObject({ externalEmailAddress: entry.ExternalEmailAddress, primarySmtpAddress: entry.PrimarySmtpAddress, microsoftOnlineServicesId: entry.MicrosoftOnlineServicesID });
        expect(spec['exchangeGuid']).toBe(u.exchangeGuid);
        expect(spec['archiveGuid']).toBe(u.archiveGuid);
        expect(spec['emailAddresses'] ?? []).toEqual(entry.EmailAddresses.slice(1));
        expect(spec['customAttributes'] ?? {}).toEqual(u.attributes);
        // Linked when nothing is missing and nothing contradicts the source (which has no archive).
        expect(spec['source'] !== undefined).toBe(u.sourceX500 === true && u.exchangeGuid !== undefined && u.archiveGuid === undefined);
        expect(spec['displayName']).toBe(u.name !== undefined && u.name !== u.alias ? u.name : undefined);
      }),
      { numRuns: 25 },
    );
  }, 60_000);
});
