// The permission graph of the batches' users and what it plans (plan/delegation.ts), from hand-made
// snapshots: groups and split pairs (checked against a reachability search of their own on random
// graphs), delegates that are not mailboxes, a source whose permissions were not read, and a
// MailUser's declared permissions. The moves themselves are exercised through the simulator in
// test/apply/delegation-e2e.test.ts.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MailboxEntry, MailboxPermissionEntry, RecipientPermissionEntry, Snapshot } from '../../src/model/snapshot.js';
import { groupsToRead } from '../../src/export/export.js';
import { allActions, baseFiles, loadFiles, mailbox, planFor, snapshots, type Files } from './fixtures.js';

const guid = (i: number): string => `3c4d5e6f-0000-4000-8000-${String(i).padStart(12, '0')}`;
const address = (i: number): string => `user${i}@contoso.com`;

function sourceMailbox(i: number, over: Partial<MailboxEntry> = {}): MailboxEntry {
  return mailbox({
    Name: `User ${i}`,
    Alias: `user${i}`,
    DisplayName: `User ${i}`,
    UserPrincipalName: address(i),
    PrimarySmtpAddress: address(i),
    ExchangeGuid: guid(i),
    LegacyExchangeDN: `/o=ExchangeLabs/cn=Recipients/cn=${i}-user`,
    EmailAddresses: [`SMTP:${address(i)}`, `smtp:user${i}@contoso.onmicrosoft.com`],
    ...over,
  });
}

function batch(name: string, users: readonly string[], extra = ''): string {
  return `apiVersion: exo.gitops/v1alpha1
kind: MigrationBatch
metadata:
  name: ${name}
  tenant: northwind
spec:
  source: contoso
  endpoint: Contoso-T2T
  users: [${users.join(', ')}]
  targetDeliveryDomain: northwindtraders.onmicrosoft.com
  addressMap:
    contoso.com: northwindtraders.com
${extra}`;
}

const fullAccess = (principal: number, user: string): MailboxPermissionEntry => ({ MailboxGuid: guid(principal), Identity: `User ${principal}`, User: user, AccessRights: ['FullAccess'], IsInherited: false, Deny: false });
const sendAs = (principal: number, trustee: string): RecipientPermissionEntry => ({ Identity: `User ${principal}`, Trustee: trustee, AccessRights: ['SendAs'], IsInherited: false, AccessControlType: 'Allow' });

/** Contoso with mailboxes user1..n and the given grants; Northwind without mail users. */
function live(n: number, grants: { full?: MailboxPermissionEntry[]; sendAs?: RecipientPermissionEntry[]; onBehalf?: Record<number, string[]> }, edit: (l: { contoso: Snapshot; northwind: Snapshot }) => void = () => {}): Map<string, Snapshot> {
  return snapshots((l) => {
    l.contoso.Mailbox.push(...Array.from({ length: n }, (_, i) => sourceMailbox(i + 1, { GrantSendOnBehalfTo: grants.onBehalf?.[i + 1] ?? [] })));
    l.contoso.MailboxPermission = grants.full ?? [];
    l.contoso.RecipientPermission = grants.sendAs ?? [];
    l.northwind.MailUser = [];
    edit(l);
  });
}

const files = (batches: string): Files => baseFiles({ 'mailusers.yaml': '', 'batches.yaml': batches });

describe('the permission graph of the batches’ users', () => {
  it('groups the users that grant each other, names the split pairs, and reports delegates that are not mailboxes', () => {
    const plan = planFor(
      files(`${batch('Wave-1', [address(1), address(2)])}---\n${batch('Wave-2', [address(3)])}`),
      live(4, {
        full: [fullAccess(1, address(2)), fullAccess(1, 'NT AUTHORITY\\SELF'), fullAccess(2, 'S-1-5-21-1004336348-1177238915-682003330-512')],
        sendAs: [sendAs(3, address(1)), sendAs(4, address(3))],
        onBehalf: { 1: ['Exec Team'] },
      }, (l) => {
        l.contoso.DistributionGroup.push({ Name: 'Exec Team', Alias: 'ExecTeam', PrimarySmtpAddress: 'ExecTeam@contoso.com', RecipientTypeDetails: 'MailUniversalSecurityGroup', IsDirSynced: false, Members: [] });
      }),
    );
    const report = plan.delegation!;
    expect(report.groups).toEqual([
      {
        tenant: 'contoso',
        split: true,
        members: [
          { user: address(1), batch: 'Wave-1' },
          { user: address(2), batch: 'Wave-1' },
          { user: address(3), batch: 'Wave-2' },
          { user: address(4), batch: null },
        ],
      },
    ]);
    expect(report.splitPairs).toEqual([
      { tenant: 'contoso', principal: { user: address(3), batch: 'Wave-2' }, delegate: { user: address(1), batch: 'Wave-1' }, rights: ['SendAs'] },
      { tenant: 'contoso', principal: { user: address(4), batch: null }, delegate: { user: address(3), batch: 'Wave-2' }, rights: ['SendAs'] },
    ]);
    expect(report.notMoved).toEqual([
      { tenant: 'contoso', principal: { user: address(2), batch: 'Wave-1' }, delegate: 'S-1-5-21-1004336348-1177238915-682003330-512', rights: ['FullAccess'], reason: 'not a mailbox of the tenant (a group, a service account, or an entry Exchange could not resolve)' },
      { tenant: 'contoso', principal: { user: address(1), batch: 'Wave-1' }, delegate: 'ExecTeam@contoso.com', rights: ['SendOnBehalf'], reason: 'a group' },
    ]);
    const byCode = (code: string) => plan.findings.filter((f) => f.code === code);
    expect(byCode('DelegateInOtherBatch').map((f) => [f.severity, f.message])).toEqual([
      ['warning', `contoso mailbox ${address(1)} (batch Wave-1) holds Send As on ${address(3)} (batch Wave-2): principal and delegate move apart`],
      ['warning', `contoso mailbox ${address(3)} (batch Wave-2) holds Send As on ${address(4)} (no batch): principal and delegate move apart`],
    ]);
    expect(byCode('DelegateNotMailbox')).toHaveLength(2);
    expect(byCode('DelegateNotMailbox')[0]).toMatchObject({ severity: 'warning', location: { file: 'batches.yaml' } });
    // Nothing has moved: nothing to re-stamp.
    expect(allActions(plan).filter((a) => a.kind === 'Mailbox')).toEqual([]);
  });

  it('is an error where a batch keeps delegates together, at that batch’s user', () => {
    const plan = planFor(
      files(`${batch('Wave-1', [address(1)], '  keepDelegatesTogether: true\n')}---\n${batch('Wave-2', [address(2)])}`),
      live(2, { onBehalf: { 1: [address(2)] } }),
    );
    const found = plan.findings.find((f) => f.code === 'DelegateInOtherBatch')!;
    expect(found).toMatchObject({ severity: 'error', kind: 'MigrationBatch', object: 'Wave-1', location: { file: 'batches.yaml', line: 9 } });
    expect(found.message).toBe(`contoso mailbox ${address(2)} (batch Wave-2) holds Send on Behalf on ${address(1)} (batch Wave-1): principal and delegate move apart`);
  });

  it('says so when the source snapshot holds no permissions (an older export): delegates are not checked', () => {
    const plan = planFor(files(batch('Wave-1', [address(1)])), live(1, {}, (l) => {
      delete l.contoso.MailboxPermission;
      delete l.contoso.RecipientPermission;
    }));
    expect(plan.findings.filter((f) => f.code === 'DelegationNotRead').map((f) => [f.severity, f.message])).toEqual([
      ['warning', 'the snapshot of contoso holds no mailbox or Send As permissions: delegates of batch Wave-1 are not checked'],
    ]);
  });

  it('property: groups are the connected users, a group is split when it spans batches, and a pair is split exactly when its two batches differ', () => {
    const N = 7;
    const edges = fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: N }), fc.integer({ min: 1, max: N })).filter(([a, b]) => a !== b), { maxLength: 12, selector: ([a, b]) => `${a}-${b}` });
    // 0: no batch, 1: Wave-1, 2: Wave-2.
    const placement = fc.array(fc.integer({ min: 0, max: 2 }), { minLength: N, maxLength: N });
    fc.assert(
      fc.property(edges, placement, (pairs, places) => {
        if (!places.includes(1)) places[0] = 1;
        const listed = (wave: number) => places.flatMap((p, i) => (p === wave ? [address(i + 1)] : []));
        const yaml = [batch('Wave-1', listed(1)), ...(listed(2).length > 0 ? [batch('Wave-2', listed(2))] : [])].join('---\n');
        const plan = planFor(files(yaml), live(N, { full: pairs.map(([p, d]) => fullAccess(p, address(d))) }));
        const report = plan.delegation!;
        const batchOf = (user: string) => ({ 1: 'Wave-1', 2: 'Wave-2' } as Record<number, string>)[places[Number(/user(\d+)/.exec(user)![1]) - 1]!] ?? null;
        const inBatch = (i: number) => places[i - 1] !== 0;
        const kept = pairs.filter(([p, d]) => inBatch(p) || inBatch(d));

        // Reachability by breadth-first search over the kept edges, as the test's own model.
        const reach = (from: number): Set<number> => {
          const seen = new Set([from]);
          const queue = [from];
          while (queue.length > 0) {
            const at = queue.shift()!;
            for (const [a, b] of kept) for (const [x, y] of [[a, b], [b, a]] as const) if (x === at && !seen.has(y)) (seen.add(y), queue.push(y));
          }
          return seen;
        };
        const expected = new Set<string>();
        for (const [a] of kept) expected.add([...reach(a)].sort((x, y) => x - y).map(address).join(','));
        for (const [, b] of kept) expected.add([...reach(b)].sort((x, y) => x - y).map(address).join(','));
        const actual = new Set(report.groups.map((g) => g.members.map((m) => m.user).sort((x, y) => Number(/\d+/.exec(x)![0]) - Number(/\d+/.exec(y)![0])).join(',')));
        expect(actual).toEqual(expected);
        for (const group of report.groups) {
          for (const m of group.members) expect(m.batch).toBe(batchOf(m.user));
          expect(group.split).toBe(new Set(group.members.map((m) => m.batch)).size > 1);
        }
        const splitExpected = kept.filter(([p, d]) => places[p - 1] !== places[d - 1]).map(([p, d]) => `${address(p)}>${address(d)}`).sort();
        expect(report.splitPairs.map((s) => `${s.principal.user}>${s.delegate.user}`).sort()).toEqual(splitExpected);
      }),
      { numRuns: 60 },
    );
  });
});

describe('declared permissions (MailUser spec.permissions)', () => {
  const target = (perms: string) =>
    baseFiles({
      'mailusers.yaml': `apiVersion: exo.gitops/v1alpha1
kind: MailUser
metadata:
  name: NestorW
  tenant: northwind
spec:
  primarySmtpAddress: Nestor.Wilke@northwindtraders.com
  permissions:
${perms}`,
    });
  const northwind = (edit: (l: { contoso: Snapshot; northwind: Snapshot }) => void = () => {}) =>
    snapshots((l) => {
      l.northwind.Mailbox.push(mailbox({ Name: 'Nestor Wilke', Alias: 'NestorW', PrimarySmtpAddress: 'Nestor.Wilke@northwindtraders.com', ExchangeGuid: guid(90), UserPrincipalName: 'Nestor.Wilke@northwindtraders.com' }));
      l.northwind.Mailbox.push(mailbox({ Name: 'Megan Bowen', Alias: 'MeganB', PrimarySmtpAddress: 'Megan.Bowen@northwindtraders.com', ExchangeGuid: guid(91), UserPrincipalName: 'Megan.Bowen@northwindtraders.com' }));
      l.northwind.MailboxPermission = [{ MailboxGuid: guid(90), Identity: 'Nestor Wilke', User: 'NT AUTHORITY\\SELF', AccessRights: ['FullAccess', 'ReadPermission'], IsInherited: false, Deny: false }];
      l.northwind.RecipientPermission = [];
      edit(l);
    });
  const PERMS = `    sendAs: [Megan.Bowen@northwindtraders.com]
    sendOnBehalf: [Megan.Bowen@northwindtraders.com]
    fullAccess:
      - {user: Megan.Bowen@northwindtraders.com, autoMapping: false}
`;

  it('plans what the mailbox lacks, one action per right, AutoMapping off where asked', () => {
    const plan = planFor(target(PERMS), northwind());
    const actions = allActions(plan).filter((a) => a.kind === 'Mailbox');
    expect(actions.map((a) => [a.id, a.changes, a.parameters])).toEqual([
      ['northwind/Mailbox/Nestor.Wilke@northwindtraders.com#full-access', [{ field: 'FullAccess', add: ['Megan.Bowen@northwindtraders.com'] }], { noAutoMapping: ['Megan.Bowen@northwindtraders.com'] }],
      ['northwind/Mailbox/Nestor.Wilke@northwindtraders.com#send-as', [{ field: 'SendAs', add: ['Megan.Bowen@northwindtraders.com'] }], undefined],
      ['northwind/Mailbox/Nestor.Wilke@northwindtraders.com#send-on-behalf', [{ field: 'GrantSendOnBehalfTo', add: ['Megan.Bowen@northwindtraders.com'] }], undefined],
    ]);
    expect(actions[0]).toMatchObject({ resourceKind: 'MailUser', source: { file: 'mailusers.yaml', line: 9 } });
  });

  it('an existing grant is no change, whichever identity Exchange prints it by', () => {
    const plan = planFor(target(PERMS), northwind((l) => {
      l.northwind.Mailbox[0]!.GrantSendOnBehalfTo = ['Megan Bowen'];
      l.northwind.RecipientPermission = [{ Identity: 'Nestor Wilke', Trustee: 'Megan.Bowen@northwindtraders.com', AccessRights: ['SendAs'], IsInherited: false, AccessControlType: 'Allow' }];
      l.northwind.MailboxPermission!.push({ MailboxGuid: guid(90), Identity: 'Nestor Wilke', User: 'Megan.Bowen@northwindtraders.com', AccessRights: ['FullAccess'], IsInherited: false, Deny: false });
    }));
    expect(allActions(plan).filter((a) => a.kind === 'Mailbox')).toEqual([]);
  });

  it('a delegate the target does not have is an error at its line; a mail user that is no mailbox yet gets nothing', () => {
    const plan = planFor(target('    sendAs: [nobody@northwindtraders.com]\n'), northwind());
    expect(plan.findings.find((f) => f.code === 'PermissionDelegateNotFound')).toMatchObject({ severity: 'error', location: { file: 'mailusers.yaml', line: 9, column: 14 } });
    const notYet = planFor(target(PERMS), northwind((l) => {
      l.northwind.Mailbox = l.northwind.Mailbox.filter((m) => m.Alias !== 'NestorW');
    }));
    expect(allActions(notYet).filter((a) => a.kind === 'Mailbox')).toEqual([]);
  });

  it('a mail-enabled security group may be a delegate: the export reads the declared delegates among the groups', () => {
    const files = target('    fullAccess: [{user: ExecAssistants@northwindtraders.com}]\n');
    expect(groupsToRead(loadFiles(files), 'northwind')).toContain('ExecAssistants@northwindtraders.com');
    const plan = planFor(files, northwind((l) => {
      l.northwind.DistributionGroup.push({ Name: 'Exec Assistants', Alias: 'ExecAssistants', PrimarySmtpAddress: 'ExecAssistants@northwindtraders.com', RecipientTypeDetails: 'MailUniversalSecurityGroup', IsDirSynced: false, Members: [] });
    }));
    expect(plan.findings.map((f) => f.code)).not.toContain('PermissionDelegateNotFound');
    expect(allActions(plan).find((a) => a.id.endsWith('#full-access'))!.changes).toEqual([{ field: 'FullAccess', add: ['ExecAssistants@northwindtraders.com'] }]);
  });

  it('Send on Behalf of a synchronized mailbox follows the cloud management the plan makes: after it, or blocked', () => {
    const cloud = (value: boolean) => `---
apiVersion: exo.gitops/v1alpha1
kind: CloudManagement
metadata: {name: retire, tenant: northwind}
spec:
  isExchangeCloudManaged: ${value}
  mailboxes: [Nestor.Wilke@northwindtraders.com]
`;
    const synced = (cloudManaged: boolean) => northwind((l) => Object.assign(l.northwind.Mailbox.find((m) => m.Alias === 'NestorW')!, { IsDirSynced: true, IsExchangeCloudManaged: cloudManaged }));
    const withCloud = (value: boolean) => {
      const files = target('    sendOnBehalf: [Megan.Bowen@northwindtraders.com]\n');
      return { ...files, 'mailusers.yaml': `${files['mailusers.yaml']}${cloud(value)}` };
    };
    const turnedOn = allActions(planFor(withCloud(true), synced(false))).find((a) => a.id.endsWith('#send-on-behalf'))!;
    expect(turnedOn).toMatchObject({ action: 'update', dependsOn: ['northwind/Mailbox/Nestor.Wilke@northwindtraders.com#cloud-managed'] });
    const turnedOff = allActions(planFor(withCloud(false), synced(true))).find((a) => a.id.endsWith('#send-on-behalf'))!;
    expect(turnedOff).toMatchObject({ action: 'blocked' });
  });

  it('Send on Behalf of a synchronized mailbox that is not cloud-managed is planned blocked', () => {
    const plan = planFor(target('    sendOnBehalf: [Megan.Bowen@northwindtraders.com]\n'), northwind((l) => {
      l.northwind.Mailbox[0]!.IsDirSynced = true;
    }));
    expect(allActions(plan).find((a) => a.id.endsWith('#send-on-behalf'))).toMatchObject({ action: 'blocked', reason: expect.stringContaining('on-premises AD') });
  });
});
