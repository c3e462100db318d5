// MigrationBatch: a wave written as a list of source mailboxes. The target mail users, the scope
// membership and the batch follow from the source snapshot; the batch's status is reported, and a
// completed move is no drift.

import { describe, expect, it } from 'vitest';
import type { MailboxEntry, MigrationBatchEntry, MigrationUserEntry, Snapshot } from '../../src/model/snapshot.js';
import { actionById, allActions, baseFiles, codes, mailbox, mailUser, planFor, positionOf, snapshots, type Files } from './fixtures.js';
import { checkDesiredState } from '../../src/validate/rules.js';
import { loadFiles } from './fixtures.js';

const guid = (i: number): string => `2b3c4d5e-0000-4000-8000-${String(i).padStart(12, '0')}`;

/** Source mailbox i of the wave: user<i>@contoso.com, with an onmicrosoft routing address, an X500 and a foreign address. */
function waveMailbox(i: number, over: Partial<MailboxEntry> = {}): MailboxEntry {
  return mailbox({
    Name: `User ${i}`,
    Alias: `user${i}`,
    DisplayName: `User Number ${i}`,
    UserPrincipalName: `user${i}@contoso.com`,
    PrimarySmtpAddress: `user${i}@contoso.com`,
    ExchangeGuid: guid(i),
    LegacyExchangeDN: `/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${i}-user`,
    EmailAddresses: [`SMTP:user${i}@contoso.com`, `smtp:user${i}@contoso.onmicrosoft.com`, `smtp:u${i}@fabrikam.net`, `X500:/o=Old/cn=user${i}`],
    ...over,
  });
}

const WAVE = 25;
const users = (n: number, from = 1): string[] => Array.from({ length: n }, (_, i) => `user${i + from}@contoso.com`);

function batchYaml(list: string[], extra = ''): string {
  return `apiVersion: exo.gitops/v1alpha1
kind: MigrationBatch
metadata:
  name: Wave-1
  tenant: northwind
spec:
  source: contoso
  endpoint: Contoso-T2T
  users:
${list.map((u) => `    - ${u}`).join('\n')}
  targetDeliveryDomain: northwindtraders.onmicrosoft.com
  addressMap:
    contoso.com: northwindtraders.com
  autoStart: true
  completeAfter: "2026-12-15T22:00:00Z"
  notificationEmails: [migration-team@northwindtraders.com]
${extra}`;
}

/** The base pair without LaraN's MailUser document, with the wave's mailboxes in contoso. */
function waveFiles(list = users(WAVE), over: Files = {}): Files {
  return baseFiles({ 'mailusers.yaml': '', 'batches.yaml': batchYaml(list), ...over });
}

function waveSnapshots(n = WAVE, edit: (live: { contoso: Snapshot; northwind: Snapshot }) => void = () => {}): Map<string, Snapshot> {
  return snapshots((live) => {
    live.contoso.Mailbox.push(...Array.from({ length: n }, (_, i) => waveMailbox(i + 1)));
    live.northwind.MailUser = [];
    edit(live);
  });
}

describe('a batch of 25 users with addressMap and no MailUser documents', () => {
  const plan = planFor(waveFiles(), waveSnapshots());

  it('plans 25 mail user creations with the derived values, 25 scope additions and one New-MigrationBatch', () => {
    expect(codes(plan).filter((c) => c !== 'AddressesLeftOut')).toEqual([]);
    const northwind = plan.tenants.find((t) => t.tenant === 'northwind')!;
    const creates = northwind.actions.filter((a) => a.kind === 'MailUser' && a.action === 'create');
    expect(creates).toHaveLength(WAVE);
    const scope = actionById(plan, 'contoso/DistributionGroup/T2T-Scope#add-members');
    expect(scope.changes[0]!.add).toEqual(users(WAVE));
    const batch = actionById(plan, 'northwind/MigrationBatch/Wave-1');
    expect(batch.action).toBe('create');
    expect(batch.changes.find((c) => c.field === 'Users')!.add).toEqual(Array.from({ length: WAVE }, (_, i) => `user${i + 1}@northwindtraders.com`));
    expect(batch.changes.map((c) => c.field)).toEqual(['SourceEndpoint', 'TargetDeliveryDomain', 'Users', 'AutoStart', 'CompleteAfter', 'NotificationEmails']);
    // The batch waits for its users' mail users and for their scope membership in the source.
    expect(batch.dependsOn).toContain('northwind/MailUser/user7');
    expect(batch.dependsOn).toContain('contoso/DistributionGroup/T2T-Scope#add-members');
  });

  it('derives each value from the source mailbox and says so', () => {
    const create = actionById(plan, 'northwind/MailUser/user7');
    const value = (field: string) => create.changes.find((c) => c.field === field);
    expect(value('Name')!.after).toBe('User 7');
    expect(value('Alias')!.after).toBe('user7');
    expect(value('DisplayName')!.after).toBe('User Number 7');
    expect(value('ExternalEmailAddress')!.after).toBe('SMTP:user7@contoso.onmicrosoft.com');
    expect(value('PrimarySmtpAddress')!.after).toBe('user7@northwindtraders.com');
    expect(value('MicrosoftOnlineServicesID')!.after).toBe('user7@northwindtraders.com');
    expect(value('ExchangeGuid')!.after).toBe(guid(7));
    const addresses = create.changes.filter((c) => c.field === 'EmailAddresses').flatMap((c) => c.add ?? []);
    expect(addresses).toContain('X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=7-user');
    expect(addresses).toContain('X500:/o=Old/cn=user7');
    // Foreign and source-routing addresses never reach the target.
    expect(addresses.some((a) => /fabrikam|contoso/i.test(a))).toBe(false);
    for (const field of ['Name', 'DisplayName', 'ExternalEmailAddress', 'PrimarySmtpAddress', 'MicrosoftOnlineServicesID', 'ExchangeGuid']) {
      expect(value(field)!.derivedFrom, field).toBe(field === 'ExchangeGuid' ? 'contoso mailbox user7@contoso.com' : 'contoso mailbox user7@contoso.com, batch Wave-1');
    }
    // Findings about a derived user point at its line in the batch.
    expect(create.source!.file).toBe('batches.yaml');
  });

  it('reports the left-out addresses once, by domain', () => {
    const leftOut = plan.findings.filter((f) => f.code === 'AddressesLeftOut');
    expect(leftOut).toHaveLength(1);
    expect(leftOut[0]!.message).toContain('fabrikam.net (25)');
    expect(leftOut[0]!.message).not.toContain('contoso.onmicrosoft.com');
  });

  it('gives each user a readiness row of its batch, and the batch a status', () => {
    expect(plan.readiness).toHaveLength(WAVE);
    expect(plan.readiness.every((row) => row.batch === 'Wave-1' && row.status === 'ready')).toBe(true);
    expect(plan.batches).toEqual([
      { tenant: 'northwind', batch: 'Wave-1', source: 'contoso', status: 'NotCreated', users: WAVE, blocked: [], counts: { total: 0, active: 0, synced: 0, finalized: 0, failed: 0 }, failedUsers: [] },
    ]);
  });
});

describe('a MailUser document overrides derived values field by field', () => {
  it('keeps the declared primary address and the derived rest', () => {
    const declared = `apiVersion: exo.gitops/v1alpha1
kind: MailUser
metadata:
  name: user3
  tenant: northwind
spec:
  primarySmtpAddress: third@northwindtraders.com
  source:
    tenant: contoso
    mailbox: user3@contoso.com
`;
    const plan = planFor(waveFiles(users(5), { 'mailusers.yaml': declared }), waveSnapshots(5));
    const create = actionById(plan, 'northwind/MailUser/user3');
    expect(create.changes.find((c) => c.field === 'PrimarySmtpAddress')).toEqual({ field: 'PrimarySmtpAddress', after: 'third@northwindtraders.com' });
    expect(create.changes.find((c) => c.field === 'ExternalEmailAddress')!.derivedFrom).toContain('batch Wave-1');
    expect(create.source!.file).toBe('mailusers.yaml');
    expect(actionById(plan, 'northwind/MigrationBatch/Wave-1').changes.find((c) => c.field === 'Users')!.add).toContain('third@northwindtraders.com');
    expect(allActions(plan).filter((a) => a.kind === 'MailUser')).toHaveLength(5);
  });
});

describe('guards', () => {
  it('2,001 users is an error at the 2,001st line', () => {
    const list = users(2001);
    const files = waveFiles(list);
    const desired = loadFiles(files);
    const findings = checkDesiredState(desired);
    const tooLarge = findings.find((f) => f.code === 'BatchTooLarge')!;
    expect(tooLarge.severity).toBe('error');
    expect(tooLarge.location).toMatchObject({ file: 'batches.yaml', ...positionOf(files['batches.yaml']!, 'user2001@contoso.com') });
  });

  it('a user in two batches is an error at its line in the second', () => {
    const second = batchYaml(['user2@contoso.com', 'user9@contoso.com']).replace('name: Wave-1', 'name: Wave-2');
    const files = waveFiles(users(3), { 'wave2.yaml': second });
    const findings = checkDesiredState(loadFiles(files));
    const twice = findings.filter((f) => f.code === 'UserInTwoBatches');
    expect(twice).toHaveLength(1);
    expect(twice[0]!.location).toMatchObject({ file: 'wave2.yaml', ...positionOf(second, 'user2@contoso.com') });
  });

  it('a user written by another of its addresses in a second batch is caught when planning', () => {
    const second = batchYaml(['user2@contoso.onmicrosoft.com']).replace('name: Wave-1', 'name: Wave-2');
    const plan = planFor(waveFiles(users(3), { 'wave2.yaml': second }), waveSnapshots(3));
    expect(plan.findings.filter((f) => f.code === 'UserInTwoBatches').map((f) => f.location?.file)).toEqual(['wave2.yaml']);
  });

  it('a user already in another live batch is an error (UserDuplicateInOtherBatchException)', () => {
    const plan = planFor(waveFiles(users(3)), waveSnapshots(3, (live) => {
      live.northwind.MigrationBatch = [liveBatch({ Identity: 'Old-Wave', Status: 'Syncing' })];
      live.northwind.MigrationUser = [{ Identity: 'user2@northwindtraders.com', BatchId: 'Old-Wave', Status: 'Syncing', ErrorSummary: '' }];
    }));
    const twice = plan.findings.find((f) => f.code === 'UserInTwoBatches')!;
    expect(twice.message).toContain('Old-Wave');
    expect(actionById(plan, 'northwind/MigrationBatch/Wave-1').changes.find((c) => c.field === 'Users')!.add).not.toContain('user2@northwindtraders.com');
  });

  it('a user absent from the source is an error at its line', () => {
    const files = waveFiles([...users(2), 'nobody@contoso.com']);
    const plan = planFor(files, waveSnapshots(2));
    const missing = plan.findings.find((f) => f.code === 'BatchUserNotFound')!;
    expect(missing.location).toMatchObject({ file: 'batches.yaml', ...positionOf(files['batches.yaml']!, 'nobody@contoso.com') });
    // Not reported a second time by the scope it joins.
    expect(codes(plan)).not.toContain('ScopeMemberNotFound');
  });

  it('a user that is not ready holds the batch back, and the plan names it', () => {
    const plan = planFor(waveFiles(users(3)), waveSnapshots(3, (live) => {
      live.contoso.Mailbox.find((m) => m.Alias === 'user2')!.LitigationHoldEnabled = true;
    }));
    const batch = actionById(plan, 'northwind/MigrationBatch/Wave-1');
    expect(batch.action).toBe('blocked');
    expect(batch.reason).toContain('user2@contoso.com');
    expect(plan.findings.find((f) => f.code === 'UserNotReady')!.message).toContain('user2@contoso.com');
    expect(plan.batches[0]!.blocked).toEqual(['user2@contoso.com']);
    expect(plan.readiness.find((r) => r.mailUser === 'user2')).toMatchObject({ status: 'blocked', batch: 'Wave-1' });
  });

  it('an unmapped primary domain is an error at the user\'s line', () => {
    const files = waveFiles(users(2), { 'batches.yaml': batchYaml(users(2)).replace('    contoso.com: northwindtraders.com\n', '    fabrikam.net: northwindtraders.com\n') });
    const plan = planFor(files, waveSnapshots(2));
    expect(plan.findings.filter((f) => f.code === 'PrimaryAddressUnmapped')).toHaveLength(2);
  });

  it('an alias taken in the target by another mailbox is an error, never a change to that mailbox', () => {
    const plan = planFor(waveFiles(users(2)), waveSnapshots(2, (live) => {
      live.northwind.Mailbox.push(mailbox({ Name: 'Other', Alias: 'user1', PrimarySmtpAddress: 'other@northwindtraders.com', ExchangeGuid: '9b3c4d5e-0000-4000-8000-000000000001', EmailAddresses: ['SMTP:other@northwindtraders.com'] }));
    }));
    expect(codes(plan)).toContain('DerivedNameTaken');
    expect(allActions(plan).some((a) => a.identity === 'other@northwindtraders.com')).toBe(false);
  });
});

function liveBatch(over: Partial<MigrationBatchEntry> = {}): MigrationBatchEntry {
  return {
    Identity: 'Wave-1',
    Status: 'Syncing',
    SourceEndpoint: 'Contoso-T2T',
    TargetDeliveryDomain: 'northwindtraders.onmicrosoft.com',
    NotificationEmails: ['migration-team@northwindtraders.com'],
    CompleteAfterUTC: '2026-12-15T22:00:00Z',
    TotalCount: 3,
    ActiveCount: 3,
    SyncedCount: 0,
    FinalizedCount: 0,
    FailedCount: 0,
    ...over,
  };
}

/** The state after a successful apply of the 3-user wave: MEUs stamped, scope filled, batch syncing. */
function appliedSnapshots(n: number, status: string, edit: (live: { contoso: Snapshot; northwind: Snapshot }) => void = () => {}): Map<string, Snapshot> {
  return waveSnapshots(n, (live) => {
    live.contoso.DistributionGroup[0]!.Members.push(...users(n));
    for (let i = 1; i <= n; i++) {
      const source = live.contoso.Mailbox.find((m) => m.Alias === `user${i}`)!;
      live.northwind.MailUser.push(mailUser({
        Name: `User ${i}`,
        Alias: `user${i}`,
        PrimarySmtpAddress: `user${i}@northwindtraders.com`,
        ExternalEmailAddress: `SMTP:user${i}@contoso.onmicrosoft.com`,
        MicrosoftOnlineServicesID: `user${i}@northwindtraders.com`,
        ExchangeGuid: guid(i),
        EmailAddresses: [`SMTP:user${i}@northwindtraders.com`, `smtp:user${i}@northwindtraders.onmicrosoft.com`, `X500:${source.LegacyExchangeDN}`, `X500:/o=Old/cn=user${i}`],
      }));
    }
    live.northwind.MigrationBatch = [liveBatch({ Status: status, TotalCount: n })];
    live.northwind.MigrationUser = users(n).map((u): MigrationUserEntry => ({ Identity: u.replace('contoso.com', 'northwindtraders.com'), BatchId: 'Wave-1', Status: 'Syncing', ErrorSummary: '' }));
    edit(live);
  });
}

describe('a batch that exists', () => {
  it('plans nothing once applied, and reports its progress', () => {
    const plan = planFor(waveFiles(users(3)), appliedSnapshots(3, 'Syncing'));
    expect(allActions(plan)).toEqual([]);
    expect(plan.batches[0]).toMatchObject({ status: 'Syncing', users: 3, counts: { total: 3 } });
  });

  it('adds new users with Set-MigrationBatch -AddUsers, and changes CompleteAfter and NotificationEmails in place', () => {
    const files = waveFiles(users(4), { 'batches.yaml': batchYaml(users(4)).replace('2026-12-15T22:00:00Z', '2026-12-20T22:00:00+01:00') });
    const plan = planFor(files, appliedSnapshots(3, 'Syncing', (live) => live.contoso.Mailbox.push(waveMailbox(4))));
    expect(actionById(plan, 'northwind/MigrationBatch/Wave-1#add-users').changes).toEqual([{ field: 'Users', add: ['user4@northwindtraders.com'] }]);
    expect(actionById(plan, 'northwind/MigrationBatch/Wave-1').changes).toEqual([{ field: 'CompleteAfter', before: '2026-12-15T22:00:00Z', after: '2026-12-20T22:00:00+01:00' }]);
  });

  it('the same instant written in another zone is no change', () => {
    const files = waveFiles(users(3), { 'batches.yaml': batchYaml(users(3)).replace('2026-12-15T22:00:00Z', '2026-12-15T23:00:00+01:00') });
    expect(allActions(planFor(files, appliedSnapshots(3, 'Syncing')))).toEqual([]);
  });

  it('a changed endpoint or delivery domain needs a new batch: blocked, with the reason', () => {
    const files = waveFiles(users(3), { 'batches.yaml': batchYaml(users(3)).replace('targetDeliveryDomain: northwindtraders.onmicrosoft.com', 'targetDeliveryDomain: northwind.mail.onmicrosoft.com') });
    const action = actionById(planFor(files, appliedSnapshots(3, 'Syncing')), 'northwind/MigrationBatch/Wave-1');
    expect(action.action).toBe('blocked');
    expect(action.reason).toContain('TargetDeliveryDomain');
  });

  it('starts a created batch when autoStart is declared, and completes a synced one when complete is', () => {
    expect(actionById(planFor(waveFiles(users(3)), appliedSnapshots(3, 'Created')), 'northwind/MigrationBatch/Wave-1#start').changes).toEqual([{ field: 'Status', before: 'Created', after: 'Syncing' }]);
    const completing = waveFiles(users(3), { 'batches.yaml': batchYaml(users(3), '  complete: true\n') });
    expect(actionById(planFor(completing, appliedSnapshots(3, 'Synced')), 'northwind/MigrationBatch/Wave-1#complete').changes).toEqual([{ field: 'Status', before: 'Synced', after: 'Completing' }]);
    expect(allActions(planFor(completing, appliedSnapshots(3, 'Syncing')))).toEqual([]);
  });

  it('lists failed users with Exchange\'s error', () => {
    const plan = planFor(waveFiles(users(3)), appliedSnapshots(3, 'SyncedWithErrors', (live) => {
      live.northwind.MigrationUser![1] = { ...live.northwind.MigrationUser![1]!, Status: 'Failed', ErrorSummary: 'MissingExchangeGuidException: the target has no ExchangeGuid' };
    }));
    expect(plan.batches[0]!.failedUsers).toEqual([{ user: 'user2@northwindtraders.com', status: 'Failed', error: 'MissingExchangeGuidException: the target has no ExchangeGuid' }]);
    expect(codes(plan)).toContain('BatchUserFailed');
    expect(allActions(plan)).toEqual([]);
  });

  it('after a completed move: no changes, no drift, no scope warnings, and the batch reported completed', () => {
    const plan = planFor(waveFiles(users(3)), appliedSnapshots(3, 'Completed', (live) => {
      // The moves completed: each MEU is a mailbox in northwind, each source mailbox a mail user in contoso.
      for (let i = 1; i <= 3; i++) {
        const meu = live.northwind.MailUser.find((u) => u.Alias === `user${i}`)!;
        live.northwind.MailUser = live.northwind.MailUser.filter((u) => u !== meu);
        live.northwind.Mailbox.push(mailbox({ Name: meu.Name, Alias: meu.Alias, PrimarySmtpAddress: meu.PrimarySmtpAddress, ExchangeGuid: meu.ExchangeGuid, EmailAddresses: meu.EmailAddresses }));
        const source = live.contoso.Mailbox.find((m) => m.Alias === `user${i}`)!;
        live.contoso.Mailbox = live.contoso.Mailbox.filter((m) => m !== source);
        live.contoso.MailUser.push(mailUser({ Name: source.Name, Alias: source.Alias, PrimarySmtpAddress: source.PrimarySmtpAddress, ExternalEmailAddress: `SMTP:user${i}@northwindtraders.onmicrosoft.com`, ExchangeGuid: source.ExchangeGuid, EmailAddresses: source.EmailAddresses, PreviousRecipientTypeDetails: 'UserMailbox' }));
      }
      live.northwind.MigrationBatch![0] = liveBatch({ Status: 'Completed', TotalCount: 3, ActiveCount: 0, FinalizedCount: 3 });
      live.northwind.MigrationUser = live.northwind.MigrationUser!.map((u) => ({ ...u, Status: 'Completed' }));
    }));
    expect(allActions(plan)).toEqual([]);
    expect(codes(plan).filter((c) => c !== 'AddressesLeftOut')).toEqual([]);
    expect(plan.batches[0]).toMatchObject({ status: 'Completed', counts: { finalized: 3 } });
  });

  it('ensure: Absent removes the batch: destructive while it has not completed, not once it has', () => {
    const absent = waveFiles(users(3), { 'batches.yaml': batchYaml(users(3), '  ensure: Absent\n') });
    const stopped = actionById(planFor(absent, appliedSnapshots(3, 'Stopped')), 'northwind/MigrationBatch/Wave-1');
    expect(stopped).toMatchObject({ action: 'delete', destructive: ['delete'] });
    expect(actionById(planFor(absent, appliedSnapshots(3, 'Completed')), 'northwind/MigrationBatch/Wave-1')).toMatchObject({ action: 'delete', destructive: [] });
    expect(actionById(planFor(absent, appliedSnapshots(3, 'Syncing')), 'northwind/MigrationBatch/Wave-1').action).toBe('blocked');
  });
});

describe('mailUsers: declared', () => {
  it('takes only MailUser documents, and names a user without one', () => {
    const files = waveFiles(['Lara.Newton@contoso.com', 'user1@contoso.com'], {
      'mailusers.yaml': baseFiles()['mailusers.yaml']!,
      'batches.yaml': batchYaml(['Lara.Newton@contoso.com', 'user1@contoso.com'], '  mailUsers: declared\n'),
    });
    const plan = planFor(files, waveSnapshots(1, (live) => live.northwind.MailUser.push(mailUser())));
    expect(plan.findings.filter((f) => f.code === 'BatchUserNotDeclared').map((f) => f.message)).toEqual([expect.stringContaining('user1@contoso.com')]);
    expect(allActions(plan).filter((a) => a.kind === 'MailUser')).toEqual([]);
  });
});

