// The simulator's clock (engine/moves.ts): advanceMigrations moves every batch one step. Syncing users
// are checked as the Mailbox Replication Service checks them (each failure with Exchange's error
// name); a completing batch moves each synced mailbox, the target mail user becoming a mailbox and the
// source mailbox a mail user that routes to it. Also the `advance-migrations` subcommand.
import { execa } from 'execa';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MigrationBatchEntry, MigrationUserEntry, Snapshot } from '../../src/model/snapshot.js';
import { advanceCommand, advanceMigrations } from '../../src/simulator/engine/moves.js';
import { address, DELIVERY_DOMAIN, GUIDS, sourceTenant, targetTenant } from './batch-fixtures.js';
import { assertBuilt, runInProcess, SIMULATOR } from './helpers.js';

type BatchSnapshot = Snapshot & { MigrationBatch: MigrationBatchEntry[]; MigrationUser: MigrationUserEntry[] };

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A state directory with the two tenants, the target holding one batch of these users. */
function stateWith(status: string, users: [string, string][], options: { completeAfter?: string | null; source?: Snapshot; endpointTenant?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'exo-sim-moves-'));
  dirs.push(dir);
  const target = targetTenant({
    MigrationBatch: [
      { Identity: 'Wave-1', Status: status, SourceEndpoint: 'Contoso-T2T', TargetDeliveryDomain: DELIVERY_DOMAIN, NotificationEmails: [], CompleteAfterUTC: options.completeAfter ?? null, TotalCount: 0, ActiveCount: 0, SyncedCount: 0, FinalizedCount: 0, FailedCount: 0 },
    ],
    MigrationUser: users.map(([user, userStatus]) => ({ Identity: user, BatchId: 'Wave-1', Status: userStatus, ErrorSummary: '' })),
  });
  if (options.endpointTenant) target.MigrationEndpoint[0]!.RemoteTenant = options.endpointTenant;
  writeFileSync(join(dir, 'contoso.json'), JSON.stringify(options.source ?? sourceTenant(), null, 2));
  writeFileSync(join(dir, 'northwind.json'), JSON.stringify(target, null, 2));
  const read = (tenant: string) => JSON.parse(readFileSync(join(dir, `${tenant}.json`), 'utf8')) as BatchSnapshot;
  return { dir, read };
}

const syncing = (...aliases: string[]): [string, string][] => aliases.map((alias) => [address(alias), 'Syncing']);

describe('advanceMigrations: a Syncing batch', () => {
  it("checks each user as MRS does: Synced, or Failed with Exchange's error", () => {
    const { dir, read } = stateWith('Syncing', [...syncing('lara', 'john', 'megan', 'pat', 'nog', 'stray'), ['ghost@northwindtraders.com', 'Syncing']]);
    const changes = advanceMigrations(dir);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ tenant: 'northwind', batch: 'Wave-1', from: 'Syncing', to: 'SyncedWithErrors' });
    const users = Object.fromEntries(read('northwind').MigrationUser.map((u) => [u.Identity.split('@')[0], u]));
    expect(users.lara).toEqual({ Identity: address('lara'), BatchId: 'Wave-1', Status: 'Synced', ErrorSummary: '' });
    // Through the nested mail-enabled security group.
    expect(users.john).toMatchObject({ Status: 'Synced', ErrorSummary: '' });
    // A distribution group inside the scope does not bring its members in.
    expect(users.megan).toMatchObject({ Status: 'Failed', ErrorSummary: expect.stringMatching(/^MailboxNotInCrossTenantMigrationScopeException: .*'megan@contoso.com'.*'T2T-Scope'/) });
    expect(users.pat).toMatchObject({ Status: 'Failed', ErrorSummary: expect.stringContaining("X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=0123456789abcdef-pat") });
    expect(users.nog).toMatchObject({ Status: 'Failed', ErrorSummary: expect.stringMatching(/^MissingExchangeGuidException: /) });
    expect(users.stray).toMatchObject({ Status: 'Failed', ErrorSummary: expect.stringMatching(new RegExp(`^MissingExchangeGuidException: .*${GUIDS.stray}`)) });
    expect(users.ghost).toMatchObject({ Status: 'Failed', ErrorSummary: expect.stringContaining("The user couldn't be found") });
    expect(read('northwind').MigrationBatch[0]).toMatchObject({ Status: 'SyncedWithErrors', TotalCount: 7, ActiveCount: 0, SyncedCount: 2, FailedCount: 5, FinalizedCount: 0 });
    // Syncing moves no mailbox.
    expect(read('contoso').Mailbox).toHaveLength(4);
  });

  it('every user synced: Synced; every user failed: Failed', () => {
    const good = stateWith('Syncing', syncing('lara', 'john'));
    advanceMigrations(good.dir);
    expect(good.read('northwind').MigrationBatch[0]).toMatchObject({ Status: 'Synced', SyncedCount: 2, ActiveCount: 0 });
    const bad = stateWith('Syncing', syncing('megan', 'nog'));
    advanceMigrations(bad.dir);
    expect(bad.read('northwind').MigrationBatch[0]).toMatchObject({ Status: 'Failed', FailedCount: 2, ActiveCount: 0 });
  });

  it('the scope is what the RemoteOutbound relationship with the target tenant publishes', () => {
    const inbound = sourceTenant();
    inbound.OrganizationRelationship[0]!.MailboxMoveCapability = 'RemoteInbound';
    const a = stateWith('Syncing', syncing('lara'), { source: inbound });
    advanceMigrations(a.dir);
    expect(a.read('northwind').MigrationUser[0]!.ErrorSummary).toMatch(/^MailboxNotInCrossTenantMigrationScopeException: /);
    const elsewhere = sourceTenant();
    elsewhere.OrganizationRelationship[0]!.DomainNames = ['northwindtraders.com'];
    const b = stateWith('Syncing', syncing('lara'), { source: elsewhere });
    advanceMigrations(b.dir);
    expect(b.read('northwind').MigrationUser[0]!.ErrorSummary).toMatch(/^MailboxNotInCrossTenantMigrationScopeException: /);
    const both = sourceTenant();
    both.OrganizationRelationship[0]!.MailboxMoveCapability = 'Inbound, RemoteOutbound';
    const c = stateWith('Syncing', syncing('lara'), { source: both });
    advanceMigrations(c.dir);
    expect(c.read('northwind').MigrationUser[0]!.Status).toBe('Synced');
  });

  it("fails every user when the endpoint's RemoteTenant is no tenant of the state directory", () => {
    const { dir, read } = stateWith('Syncing', syncing('lara'), { endpointTenant: 'fabrikam.onmicrosoft.com' });
    advanceMigrations(dir);
    expect(read('northwind').MigrationUser[0]).toMatchObject({ Status: 'Failed', ErrorSummary: expect.stringContaining("'fabrikam.onmicrosoft.com'") });
    expect(read('northwind').MigrationBatch[0]!.Status).toBe('Failed');
  });

  it('leaves Created, Stopped and Failed batches, and Synced ones before CompleteAfter, as they are (files untouched)', () => {
    for (const [status, completeAfter] of [['Created', null], ['Stopped', null], ['Failed', null], ['Synced', null], ['Synced', '2099-01-01T00:00:00Z'], ['Completed', '2000-01-01T00:00:00Z']] as const) {
      const { dir } = stateWith(status, [[address('lara'), status === 'Synced' ? 'Synced' : 'Queued']], { completeAfter });
      const before = readFileSync(join(dir, 'northwind.json'), 'utf8');
      expect(advanceMigrations(dir), status).toEqual([]);
      expect(readFileSync(join(dir, 'northwind.json'), 'utf8')).toBe(before);
    }
  });
});

describe('advanceMigrations: completion', () => {
  it('moves each synced mailbox: the target mail user becomes a mailbox, the source mailbox a mail user routing to it', () => {
    const { dir, read } = stateWith('Completing', [[address('lara'), 'Synced'], [address('john'), 'Synced'], [address('megan'), 'Failed']], { completeAfter: '2099-01-01T00:00:00Z' });
    const sourceBefore = sourceTenant();
    const targetBefore = targetTenant();
    const changes = advanceMigrations(dir);
    expect(changes[0]).toMatchObject({ from: 'Completing', to: 'CompletedWithErrors' });
    const target = read('northwind');
    const source = read('contoso');
    expect(target.MigrationUser.map((u) => u.Status)).toEqual(['Completed', 'Completed', 'Failed']);
    expect(target.MigrationBatch[0]).toMatchObject({ Status: 'CompletedWithErrors', TotalCount: 3, FinalizedCount: 2, FailedCount: 1, SyncedCount: 0, ActiveCount: 0 });

    const meu = targetBefore.MailUser.find((u) => u.Alias === 'lara')!;
    expect(target.MailUser.map((u) => u.Alias)).toEqual(['megan', 'pat', 'nog', 'stray']);
    expect(target.Mailbox.find((m) => m.Alias === 'lara')).toEqual({
      Name: 'lara',
      Alias: 'lara',
      DisplayName: 'Lara Northwind',
      UserPrincipalName: meu.MicrosoftOnlineServicesID,
      PrimarySmtpAddress: meu.PrimarySmtpAddress,
      ExchangeGuid: GUIDS.lara,
      ArchiveGuid: meu.ArchiveGuid,
      LegacyExchangeDN: meu.LegacyExchangeDN,
      EmailAddresses: meu.EmailAddresses,
      RecipientTypeDetails: 'UserMailbox',
      IsDirSynced: false,
      IsExchangeCloudManaged: false,
      LitigationHoldEnabled: false,
      DelayHoldApplied: false,
      DelayReleaseHoldApplied: false,
      ComplianceTagHoldApplied: false,
      InPlaceHolds: [],
      GrantSendOnBehalfTo: [],
      CustomAttribute1: 'ca1-lara',
      ...Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`CustomAttribute${i + 2}`, ''])),
    });

    const mailbox = sourceBefore.Mailbox.find((m) => m.Alias === 'lara')!;
    expect(source.Mailbox.map((m) => m.Alias)).toEqual(['megan', 'pat']);
    expect(source.MailUser.find((u) => u.Alias === 'lara')).toEqual({
      Name: 'lara',
      Alias: 'lara',
      PrimarySmtpAddress: 'lara@contoso.com',
      ExternalEmailAddress: `SMTP:lara@${DELIVERY_DOMAIN}`,
      MicrosoftOnlineServicesID: 'lara@contoso.com',
      ExchangeGuid: GUIDS.lara,
      ArchiveGuid: mailbox.ArchiveGuid,
      LegacyExchangeDN: mailbox.LegacyExchangeDN,
      EmailAddresses: mailbox.EmailAddresses,
      IsDirSynced: false,
      RecipientTypeDetails: 'MailUser',
      PreviousRecipientTypeDetails: 'UserMailbox',
      CustomAttribute1: 'ca1-lara',
      ...Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`CustomAttribute${i + 2}`, ''])),
    });
    // Group memberships stay as they were (members are addresses, which moved objects keep).
    expect(source.DistributionGroup).toEqual(sourceBefore.DistributionGroup);
    // Written atomically: no temporary file left beside the states.
    expect(readdirSync(dir).sort()).toEqual(['contoso.json', 'northwind.json']);
  });

  it('a Synced batch completes once its CompleteAfterUTC has passed; a Syncing one syncs first, then completes on the next step', () => {
    const { dir, read } = stateWith('Syncing', syncing('lara'), { completeAfter: '2026-12-15T22:00:00Z' });
    const before = new Date('2026-12-15T21:59:59Z');
    expect(advanceMigrations(dir, before).map((c) => c.to)).toEqual(['Synced']);
    expect(advanceMigrations(dir, before)).toEqual([]);
    expect(advanceMigrations(dir, new Date('2026-12-15T22:00:00Z')).map((c) => c.to)).toEqual(['Completed']);
    expect(read('northwind').Mailbox.map((m) => m.Alias)).toEqual(['lara']);
    expect(read('contoso').MailUser.map((u) => u.Alias)).toEqual(['lara']);
    expect(advanceMigrations(dir)).toEqual([]);
  });

  it('the moved objects are what the engine then finds: Get-Mailbox in the target, Get-MailUser in the source', async () => {
    const { dir } = stateWith('Completing', [[address('lara'), 'Synced']]);
    advanceMigrations(dir);
    const r = await runInProcess(
      [
        "$ErrorActionPreference = 'Stop'",
        "Connect-ExchangeOnline -AppId 'app' -CertificateThumbprint 'AB12' -Organization 'northwindtraders.onmicrosoft.com' -ShowBanner:$false",
        "Get-EXOMailbox -Identity 'lara@northwindtraders.com' | ForEach-Object { $_.RecipientTypeDetails + '|' + $_.DisplayName + '|' + $_.UserPrincipalName }",
        "Connect-ExchangeOnline -AppId 'app' -CertificateThumbprint 'AB12' -Organization 'contoso.onmicrosoft.com' -ShowBanner:$false",
        "Get-MailUser -Identity 'lara@contoso.com' | ForEach-Object { $_.ExternalEmailAddress }",
        "(Get-User -Identity 'lara').PreviousRecipientTypeDetails",
        "@(Get-DistributionGroupMember -Identity 'T2T-Scope' | Where-Object { $_.PrimarySmtpAddress -eq 'lara@contoso.com' }).Count",
      ].join('\n'),
      { stateDir: dir },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual(['UserMailbox|Lara Northwind|lara@northwindtraders.com', `SMTP:lara@${DELIVERY_DOMAIN}`, 'UserMailbox', '1']);
  });
});

describe('exo-gitops-sim advance-migrations', () => {
  const capture = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, write: (text: string) => out.push(text), writeErr: (text: string) => err.push(text) };
  };

  it('prints what changed, batch by batch with its users; EXO_SIM_STATE is the default directory', () => {
    const { dir } = stateWith('Syncing', syncing('lara', 'nog'));
    const c = capture();
    expect(advanceCommand([], { EXO_SIM_STATE: dir }, c.write, c.writeErr)).toBe(0);
    expect(c.out.join('').split('\n')).toEqual([
      'northwind/Wave-1: Syncing → SyncedWithErrors',
      '  lara@northwindtraders.com: Synced',
      expect.stringMatching(/^ {2}nog@northwindtraders.com: Failed \(MissingExchangeGuidException: /),
      '',
    ]);
    const again = capture();
    expect(advanceCommand(['--state', dir], {}, again.write, again.writeErr)).toBe(0);
    expect(again.out.join('')).toBe('no migration batch to advance\n');
  });

  it('refuses an argument it does not know, with its usage', () => {
    const c = capture();
    expect(advanceCommand(['--now', 'x'], {}, c.write, c.writeErr)).toBe(2);
    expect(c.err.join('')).toMatch(/unexpected argument '--now'[\s\S]*Usage: exo-gitops-sim advance-migrations \[--state DIR\]/);
  });

  it('runs as a subcommand of the built simulator', async () => {
    assertBuilt();
    const { dir, read } = stateWith('Completing', [[address('lara'), 'Synced']]);
    const r = await execa(process.execPath, [SIMULATOR, 'advance-migrations', '--state', dir], { reject: false });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(String(r.stdout)).toContain('northwind/Wave-1: Completing → Completed');
    expect(read('northwind').Mailbox.map((m) => m.Alias)).toEqual(['lara']);
  });
});
