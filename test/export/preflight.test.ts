// What the cross-tenant checks need, exported through the simulator (issue 13): the built CLI runs
// `export` against simulated tenants whose state carries the new properties, with the embedded host
// inside the CLI process and with real pwsh and the stand-in module. Each new property lands in the
// snapshot under Exchange's name, "Unlimited" exports cleanly, statistics are read only for the
// mailboxes the repository links to a target mail user (counted by EXO_SIM_METRICS), and the tenant
// ID is the live tenant's even where the YAML says another.
import { execa } from 'execa';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MailboxEntry, MailUserEntry, Snapshot } from '../../src/model/snapshot.js';
import { readSnapshot } from '../../src/load/snapshot.js';
import { realPwshEnv, realPwshUnavailable } from '../support/real-pwsh.js';

const root = new URL('../../', import.meta.url).pathname;
const cli = join(root, 'dist/cli/main.js');
const example = join(root, 'examples/contoso-northwind');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const GB = 2 ** 30;
/** The live tenant ID of the simulated contoso: not the tenantId its Tenant document declares. */
const LIVE_CONTOSO_ID = 'aaaaaaaa-1111-4222-8333-444444444444';
const YAML_CONTOSO_ID = '6c7b4d2e-3f1a-4e8b-9c5d-2a1b3c4d5e6f';
const ORG_HOLD = 'mbx5f6e7d8c9b0a41e2b3c4d5e6f7a8b9c0:2';
const DISABLED_ARCHIVE = 'c0ffee00-1234-4abc-8def-0123456789ab';
const LOCATIONS = [
  '1;1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8;Primary;contoso.onmicrosoft.com;7c3a6f0e-0000-4000-8000-000000000001',
  ...Array.from({ length: 13 }, (_, i) => `1;${(i + 1).toString(16).padStart(8, '0')}-aaaa-4aaa-8aaa-aaaaaaaaaaaa;AuxArchive;contoso.onmicrosoft.com;7c3a6f0e-0000-4000-8000-000000000002`),
];
/** The eight contoso mailboxes (of nine) that move: named by a MailUser document's source or by Wave-1. */
const LINKED = ['Lara.Newton', 'Bianca.Pisani', 'Megan.Bowen', 'Adele.Vance', 'Diego.Siciliani', 'Isaiah.Langer', 'Alex.Wilber', 'Johanna.Lorenz'];

interface Exported {
  contoso: Snapshot;
  northwind: Snapshot;
  calls: Record<string, number>;
  planFindings: { code: string; object?: string }[];
  exitCode: number;
  stderr: string;
}

/** The example's configuration and state, the state given the properties the checks read; exported with `env`. */
async function exportExample(hostEnv: (stateDir: string) => Record<string, string>): Promise<Exported> {
  const dir = mkdtempSync(join(tmpdir(), 'exo-export-preflight-'));
  dirs.push(dir);
  const config = join(dir, 'config');
  const sim = join(dir, 'sim');
  const out = join(dir, 'out');
  cpSync(example, config, { recursive: true, filter: (src) => !src.startsWith(join(example, 'state')) });
  cpSync(join(example, 'state'), sim, { recursive: true });
  const edit = (tenant: string, change: (s: Snapshot) => void) => {
    const file = join(sim, `${tenant}.json`);
    const state = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
    change(state);
    writeFileSync(file, JSON.stringify(state, null, 2));
  };
  const mailbox = (s: Snapshot, alias: string) => s.Mailbox.find((m) => m.Alias === alias)!;
  edit('contoso', (s) => {
    s.tenant.tenantId = LIVE_CONTOSO_ID;
    s.OrganizationConfig.InPlaceHolds = [ORG_HOLD];
    Object.assign(mailbox(s, 'LaraN'), { MailboxLocations: LOCATIONS, PersistedCapabilities: [], ArchiveStatus: 'None', DisabledArchiveGuid: DISABLED_ARCHIVE } satisfies Partial<MailboxEntry>);
    Object.assign(mailbox(s, 'BiancaP'), { PersistedCapabilities: ['ExchangeT2TMbxMove'], ArchiveStatus: 'Active' } satisfies Partial<MailboxEntry>);
    // The organization's hold raises every mailbox's Recoverable Items quota to 100 GB but Megan's,
    // which the state pins at the 30 GB default (a mailbox the hold excludes): her statistics are not read.
    mailbox(s, 'MeganB').RecoverableItemsQuotaBytes = 30 * GB;
    s.MailboxStatistics = [
      { MailboxGuid: mailbox(s, 'LaraN').ExchangeGuid, TotalDeletedItemSizeBytes: 45 * GB },
      // Patti Fernandez does not move: the export never reads her statistics.
      { MailboxGuid: mailbox(s, 'PattiF').ExchangeGuid, TotalDeletedItemSizeBytes: 3 * GB },
    ];
  });
  edit('northwind', (s) => {
    s.MigrationEndpoint[0]!.MaxConcurrentMigrations = 'Unlimited';
    Object.assign(s.MailUser.find((u) => u.Alias === 'LaraN')!, { PersistedCapabilities: [], RecoverableItemsQuotaBytes: 30 * GB } satisfies Partial<MailUserEntry>);
    Object.assign(s.MailUser.find((u) => u.Alias === 'BiancaP')!, { RecoverableItemsQuotaBytes: null } satisfies Partial<MailUserEntry>);
  });
  const metrics = join(dir, 'metrics.json');
  const env = { PATH: process.env.PATH ?? '', NO_COLOR: '1', CONTOSO_EXO_TOKEN: 'token', NORTHWIND_CERT_PASSWORD: 'password', EXO_SIM_METRICS: metrics, ...hostEnv(sim) };
  const r = await execa(process.execPath, [cli, 'export', '--dir', config, '--state', out], { env, extendEnv: false, reject: false });
  expect(r.exitCode, String(r.stderr)).toBe(0);
  const plan = await execa(process.execPath, [cli, 'plan', '--dir', config, '--state', out, '--format', 'json'], { env: { PATH: env.PATH, NO_COLOR: '1' }, extendEnv: false, reject: false });
  const read = (tenant: string) => readSnapshot(join(out, `${tenant}.json`), tenant);
  return {
    contoso: read('contoso'),
    northwind: read('northwind'),
    calls: (JSON.parse(readFileSync(metrics, 'utf8')) as { calls: Record<string, number> }).calls,
    planFindings: (JSON.parse(String(plan.stdout)) as { findings: { code: string; object?: string }[] }).findings,
    exitCode: r.exitCode ?? -1,
    stderr: String(r.stderr),
  };
}

function expectPreflightProperties(e: Exported): void {
  // The tenant ID is the live tenant's, whatever the Tenant document says.
  expect(e.contoso.tenant).toEqual({ name: 'contoso', tenantId: LIVE_CONTOSO_ID, organization: 'contoso.onmicrosoft.com' });
  expect(e.northwind.tenant.tenantId).toBe('0f8e7d6c-5b4a-4938-8271-605f4e3d2c1b');
  expect(e.contoso.OrganizationConfig).toEqual({ IsDehydrated: false, InPlaceHolds: [ORG_HOLD] });
  const lara = e.contoso.Mailbox.find((m) => m.Alias === 'LaraN')!;
  expect(lara).toMatchObject({ MailboxLocations: LOCATIONS, PersistedCapabilities: [], ArchiveStatus: 'None', DisabledArchiveGuid: DISABLED_ARCHIVE });
  expect(e.contoso.Mailbox.find((m) => m.Alias === 'BiancaP')).toMatchObject({ PersistedCapabilities: ['ExchangeT2TMbxMove'], ArchiveStatus: 'Active' });
  // A mailbox whose state holds none of them has none in the snapshot: an older snapshot's shape.
  const megan = e.contoso.Mailbox.find((m) => m.Alias === 'MeganB')!;
  for (const property of ['MailboxLocations', 'PersistedCapabilities', 'ArchiveStatus', 'DisabledArchiveGuid']) expect(megan).not.toHaveProperty(property);
  // Every other mailbox property as before (Get-EXOMailbox with property sets reads what Get-Mailbox did).
  expect(Object.keys(megan)).toEqual(expect.arrayContaining(['Name', 'Alias', 'PrimarySmtpAddress', 'ExchangeGuid', 'ArchiveGuid', 'LegacyExchangeDN', 'EmailAddresses', 'RecipientTypeDetails', 'IsDirSynced', 'IsExchangeCloudManaged', 'LitigationHoldEnabled', 'DelayHoldApplied', 'DelayReleaseHoldApplied', 'ComplianceTagHoldApplied', 'InPlaceHolds', 'GrantSendOnBehalfTo', 'CustomAttribute15']));

  // Statistics: the moving mailboxes whose quota is above the default, each once, sizes in bytes; not
  // Megan's (30 GB: her deleted items fit any target's default), not Patti Fernandez's (she does not move).
  const guids = new Map(e.contoso.Mailbox.map((m) => [m.ExchangeGuid, m.PrimarySmtpAddress.split('@')[0]]));
  expect(e.contoso.MailboxStatistics!.map((s) => guids.get(s.MailboxGuid)).sort()).toEqual(LINKED.filter((name) => name !== 'Megan.Bowen').sort());
  expect([lara.RecoverableItemsQuotaBytes, megan.RecoverableItemsQuotaBytes]).toEqual([100 * GB, 30 * GB]);
  expect(e.contoso.MailboxStatistics!.find((s) => s.MailboxGuid === lara.ExchangeGuid)!.TotalDeletedItemSizeBytes).toBe(45 * GB);
  expect(e.contoso.MailboxStatistics!.filter((s) => s.MailboxGuid !== lara.ExchangeGuid).every((s) => s.TotalDeletedItemSizeBytes === 0)).toBe(true);
  expect(e.northwind.MailboxStatistics).toEqual([]);

  // "Unlimited" exports cleanly; RecoverableItemsQuota in bytes, Unlimited as null.
  expect(e.northwind.MigrationEndpoint[0]!.MaxConcurrentMigrations).toBe('Unlimited');
  expect(e.northwind.MailUser.find((u) => u.Alias === 'LaraN')).toMatchObject({ PersistedCapabilities: [], RecoverableItemsQuotaBytes: 30 * GB });
  expect(e.northwind.MailUser.find((u) => u.Alias === 'BiancaP')!.RecoverableItemsQuotaBytes).toBeNull();

  // Remote calls: one bulk read per kind, mailboxes with Get-EXOMailbox only, and one statistics call per linked mailbox above the default quota.
  expect(e.calls['Get-EXOMailboxStatistics']).toBe(LINKED.length - 1);
  expect(e.calls['Get-EXOMailbox']).toBe(2);
  expect(e.calls['Get-Mailbox']).toBeUndefined();
  expect(e.calls['Get-MailboxStatistics']).toBeUndefined();

  // Delegates: FullAccess of each moving mailbox in the source (its NT AUTHORITY\SELF entry says it was
  // read, plus Johanna's grant on Lara), every Send As grant of each tenant; none moved in yet.
  const johanna = 'Johanna.Lorenz@contoso.com';
  expect(e.contoso.MailboxPermission!.filter((p) => p.User === 'NT AUTHORITY\\SELF').map((p) => guids.get(p.MailboxGuid)).sort()).toEqual([...LINKED].sort());
  expect(e.contoso.MailboxPermission!.filter((p) => p.User !== 'NT AUTHORITY\\SELF')).toEqual([
    { MailboxGuid: lara.ExchangeGuid, Identity: 'Lara Newton', User: johanna, AccessRights: ['FullAccess'], IsInherited: false, Deny: false },
  ]);
  expect(e.contoso.RecipientPermission).toEqual([{ Identity: 'Lara Newton', Trustee: johanna, IsInherited: false, AccessControlType: 'Allow', AccessRights: ['SendAs'] }]);
  expect(lara.GrantSendOnBehalfTo).toEqual([johanna]);
  expect([e.northwind.MailboxPermission, e.northwind.RecipientPermission]).toEqual([[], []]);
  expect(e.calls['Get-EXOMailboxPermission']).toBe(LINKED.length);
  expect(e.calls['Get-EXORecipientPermission']).toBe(2);

  // The checks read them from the exported snapshots.
  const codes = new Set(e.planFindings.map((f) => f.code));
  for (const code of ['TenantIdMismatch', 'AuxArchiveLimit', 'OrganizationHold', 'DemotedArchive', 'DumpsterOverTargetQuota', 'CrossTenantLicenseMissing']) expect(codes, code).toContain(code);
}

describe('export of what the cross-tenant checks read, embedded host in the CLI process', () => {
  it('writes each new property, Unlimited, the live tenant ID, and statistics of the linked mailboxes only', async () => {
    const e = await exportExample((sim) => ({ EXO_GITOPS_PWSH: 'exo-gitops-sim:in-process', EXO_SIM_STATE: sim }));
    expectPreflightProperties(e);
    // Nine calls a tenant (Connect, seven bulk reads, Disconnect), two per scope group read, one per linked
    // mailbox above the default quota (all but Megan's), and in the tenant that declares batches,
    // Get-MigrationBatch and Get-MigrationUser once each; delegates: one Send As read a tenant, one
    // FullAccess read per batch user in the source.
    expect(Object.values(e.calls).reduce((a, b) => a + b, 0)).toBe(2 * 9 + 2 * 1 + (LINKED.length - 1) + 2 + 2 + LINKED.length);
    expect([e.calls['Get-MigrationBatch'], e.calls['Get-MigrationUser']]).toEqual([1, 1]);
    expect(YAML_CONTOSO_ID).not.toBe(LIVE_CONTOSO_ID);
  });
});

describe.skipIf(realPwshUnavailable() !== null)('export of what the cross-tenant checks read, real pwsh and the stand-in module', () => {
  it('writes the same snapshots as the embedded host', async () => {
    const e = await exportExample((sim) => realPwshEnv(sim));
    expectPreflightProperties(e);
    const embedded = await exportExample((sim) => ({ EXO_GITOPS_PWSH: 'exo-gitops-sim:in-process', EXO_SIM_STATE: sim }));
    const comparable = (s: Snapshot) => ({ ...s, exportedAt: '' });
    expect(comparable(e.contoso)).toEqual(comparable(embedded.contoso));
    expect(comparable(e.northwind)).toEqual(comparable(embedded.northwind));
  }, 120_000);
});
