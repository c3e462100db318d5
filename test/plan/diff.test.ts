// buildPlan per kind: what is compared how (no false drift), and create/update/delete of each kind.
import { describe, expect, it } from 'vitest';
import {
  actionById, allActions, APP_ID, baseFiles, codes, CONTOSO_ID, EMPTY, LARA_GUID, LARA_X500, mailbox, MAILUSER_YAML, mailUser, NORTHWIND_ID, planFor,
  positionOf, snapshots, SOURCE_YAML, TARGET_YAML,
} from './fixtures.js';
import { replaceEach, replaceOnce } from '../support/edit.js';

const OTHER_ID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

describe('no false drift', () => {
  it('base fixture: nothing to do', () => {
    const plan = planFor(baseFiles(), snapshots());
    expect(allActions(plan)).toEqual([]);
    expect(plan.findings).toEqual([]);
  });

  it('GUIDs compare case-insensitively (ExchangeGuid, DomainNames, OAuthApplicationId, ApplicationId)', () => {
    const mu = replaceOnce(MAILUSER_YAML, '  source:', `  exchangeGuid: ${LARA_GUID.toUpperCase()}\n  source:`);
    const plan = planFor(baseFiles({ 'mailusers.yaml': mu }), snapshots((l) => {
      l.northwind.MailUser[0]!.ExchangeGuid = LARA_GUID.toUpperCase();
      l.contoso.Mailbox[0]!.ExchangeGuid = LARA_GUID.toUpperCase();
      l.northwind.OrganizationRelationship[0]!.DomainNames = [CONTOSO_ID.toUpperCase()];
      l.contoso.OrganizationRelationship[0]!.DomainNames = [NORTHWIND_ID.toUpperCase()];
      l.contoso.OrganizationRelationship[0]!.OAuthApplicationId = APP_ID.toUpperCase();
      l.northwind.MigrationEndpoint[0]!.ApplicationId = `{${APP_ID.toUpperCase()}}`.slice(1, -1);
    }));
    expect(allActions(plan)).toEqual([]);
    expect(plan.findings).toEqual([]);
  });

  it('addresses compare case-insensitively (primary, proxies, X500, members, RemoteTenant, group name)', () => {
    const plan = planFor(baseFiles({
      'source.yaml': replaceEach(SOURCE_YAML, ['- Lara.Newton@contoso.com', '- LARA.NEWTON@CONTOSO.COM'], ['[T2T-Scope]', '[t2t-scope]'], ['name: T2T-Scope', 'name: t2t-SCOPE']),
      'mailusers.yaml': replaceEach(MAILUSER_YAML, ['primarySmtpAddress: Lara.Newton@', 'primarySmtpAddress: lara.newton@'], ['  source:', `  emailAddresses:\n    - SMTP:LARAN@NORTHWINDTRADERS.ONMICROSOFT.COM\n    - ${LARA_X500.toLowerCase()}\n  source:`]),
    }), snapshots((l) => {
      l.northwind.MailUser[0]!.PrimarySmtpAddress = 'LARA.NEWTON@NorthwindTraders.com';
      l.northwind.MigrationEndpoint[0]!.RemoteTenant = 'Contoso.OnMicrosoft.com';
      l.contoso.DistributionGroup[0]!.Members = ['lara.newton@CONTOSO.com'];
    }));
    expect(allActions(plan)).toEqual([]);
    expect(plan.findings).toEqual([]);
  });

  it('the SMTP: prefix of externalEmailAddress does not matter, either side, any case', () => {
    for (const [yaml, live] of [
      ['LaraN@contoso.onmicrosoft.com', 'SMTP:LaraN@contoso.onmicrosoft.com'],
      ['SMTP:LaraN@contoso.onmicrosoft.com', 'LaraN@contoso.onmicrosoft.com'],
      ['smtp:laran@CONTOSO.onmicrosoft.com', 'SMTP:LaraN@contoso.onmicrosoft.com'],
    ]) {
      const plan = planFor(baseFiles({ 'mailusers.yaml': replaceOnce(MAILUSER_YAML, 'SMTP:LaraN@contoso.onmicrosoft.com', yaml!) }), snapshots((l) => {
        l.northwind.MailUser[0]!.ExternalEmailAddress = live!;
      }));
      expect(allActions(plan), `${yaml} vs ${live}`).toEqual([]);
      expect(plan.findings).toEqual([]);
    }
  });

  it('MailboxMoveCapability is a set: "RemoteOutbound, Inbound" equals [Inbound, RemoteOutbound]', () => {
    const files = baseFiles({
      'target.yaml': replaceOnce(TARGET_YAML, 'mailboxMoveCapability: [Inbound]', 'mailboxMoveCapability: [Inbound, RemoteOutbound]'),
      'source.yaml': replaceOnce(SOURCE_YAML, 'mailboxMoveCapability: [RemoteOutbound]', 'mailboxMoveCapability: [RemoteOutbound, Inbound]'),
    });
    const plan = planFor(files, snapshots((l) => {
      l.northwind.OrganizationRelationship[0]!.MailboxMoveCapability = 'RemoteOutbound, Inbound';
      l.contoso.OrganizationRelationship[0]!.MailboxMoveCapability = 'inbound,remoteoutbound';
    }));
    expect(allActions(plan)).toEqual([]);
  });

  it('MailboxMoveCapability "None" equals []; a real difference is one update', () => {
    const target = replaceOnce(TARGET_YAML, 'mailboxMoveCapability: [Inbound]', 'mailboxMoveCapability: []');
    const none = planFor(baseFiles({ 'target.yaml': target }), snapshots((l) => {
      l.northwind.OrganizationRelationship[0]!.MailboxMoveCapability = 'None';
    }));
    expect(allActions(none).filter((a) => a.kind === 'OrganizationRelationship')).toEqual([]);
    const changed = planFor(baseFiles({ 'target.yaml': target }), snapshots());
    expect(actionById(changed, 'northwind/OrganizationRelationship/Contoso').changes).toEqual([{ field: 'MailboxMoveCapability', before: 'Inbound', after: 'None' }]);
  });

  it('CustomAttribute: "" in YAML equals null, "" and a missing property live', () => {
    const mu = replaceOnce(MAILUSER_YAML, '  source:', '  customAttributes:\n    "2": ""\n    "3": ""\n    "4": ""\n  source:');
    const plan = planFor(baseFiles({ 'mailusers.yaml': mu }), snapshots((l) => {
      const u = l.northwind.MailUser[0]! as unknown as Record<string, unknown>;
      u.CustomAttribute2 = null;
      u.CustomAttribute3 = '';
      delete u.CustomAttribute4;
    }));
    expect(allActions(plan)).toEqual([]);
  });

  it('OAuthApplicationId null and "" are the same unset value: no drift and no pair finding on the target side', () => {
    for (const value of [null, '']) {
      const plan = planFor(baseFiles(), snapshots((l) => {
        l.northwind.OrganizationRelationship[0]!.OAuthApplicationId = value;
      }));
      expect(allActions(plan)).toEqual([]);
      expect(plan.findings).toEqual([]);
    }
  });

  it('an exported "" OAuthApplicationId on a source relationship the YAML does not manage reads as unset, like null', () => {
    // export converts with [string], so an unset OAuthApplicationId arrives as "" rather than null.
    const files = baseFiles({ 'source.yaml': SOURCE_YAML.split('---')[0]! });
    const withNull = planFor(files, snapshots((l) => {
      l.contoso.OrganizationRelationship[0]!.OAuthApplicationId = null;
    }));
    const withEmpty = planFor(files, snapshots((l) => {
      l.contoso.OrganizationRelationship[0]!.OAuthApplicationId = '';
    }));
    expect(codes(withEmpty)).toEqual(codes(withNull));
    expect(withEmpty.findings.map((f) => f.code)).not.toContain('LiveOAuthAppMismatch');
  });

  it('multi-valued fields compare as sets: DomainNames, members, EmailAddresses in any order', () => {
    const target = replaceOnce(TARGET_YAML, '  partner: contoso\n  enabled', `  domainNames: [${CONTOSO_ID}, ${OTHER_ID}]\n  enabled`);
    const source = replaceOnce(SOURCE_YAML, '    - Lara.Newton@contoso.com', '    - Lara.Newton@contoso.com\n    - Alex.Wilber@contoso.com');
    const mu = replaceOnce(MAILUSER_YAML, '  source:', `  emailAddresses:\n    - ${LARA_X500}\n    - smtp:LaraN@northwindtraders.onmicrosoft.com\n  source:`);
    const plan = planFor(baseFiles({ 'target.yaml': target, 'source.yaml': source, 'mailusers.yaml': mu }), snapshots((l) => {
      l.northwind.OrganizationRelationship[0]!.DomainNames = [OTHER_ID, CONTOSO_ID];
      l.contoso.Mailbox.push(mailbox({ Name: 'Alex Wilber', Alias: 'AlexW', PrimarySmtpAddress: 'Alex.Wilber@contoso.com', ExchangeGuid: OTHER_ID, EmailAddresses: ['SMTP:Alex.Wilber@contoso.com'] }));
      l.contoso.DistributionGroup[0]!.Members = ['Alex.Wilber@contoso.com', 'Lara.Newton@contoso.com'];
      l.northwind.MailUser[0]!.EmailAddresses = [...l.northwind.MailUser[0]!.EmailAddresses].reverse();
    }));
    expect(allActions(plan)).toEqual([]);
    expect(plan.findings).toEqual([]);
  });

  it('fields the YAML omits are never changed, whatever their live value', () => {
    const target = `apiVersion: exo.gitops/v1alpha1
kind: MigrationEndpoint
metadata:
  name: Contoso-T2T
  tenant: northwind
spec:
  partner: contoso
---
apiVersion: exo.gitops/v1alpha1
kind: OrganizationRelationship
metadata:
  name: Contoso
  tenant: northwind
spec:
  partner: contoso
  mailboxMoveCapability: [Inbound]
`;
    const plan = planFor(baseFiles({ 'target.yaml': target }), snapshots((l) => {
      const rel = l.northwind.OrganizationRelationship[0]!;
      rel.Enabled = false;
      rel.MailboxMoveEnabled = false;
      rel.OAuthApplicationId = OTHER_ID;
      rel.MailboxMovePublishedScopes = ['Something'];
      const ep = l.northwind.MigrationEndpoint[0]!;
      ep.MaxConcurrentMigrations = 300;
      ep.RemoteServer = 'outlook.office365.com';
      const u = l.northwind.MailUser[0]! as unknown as Record<string, unknown>;
      u.CustomAttribute1 = 'kept';
      u.CustomAttribute7 = 'kept too';
      u.EmailAddresses = [...(u.EmailAddresses as string[]), 'smtp:extra@northwindtraders.com'];
    }));
    expect(allActions(plan)).toEqual([]);
  });
});

describe('OrganizationRelationship', () => {
  it('create when missing, with every written field and DomainNames from partner', () => {
    const plan = planFor(baseFiles(), snapshots((l) => {
      l.northwind.OrganizationRelationship = [];
    }));
    const a = actionById(plan, 'northwind/OrganizationRelationship/Contoso');
    expect(a).toMatchObject({ action: 'create', kind: 'OrganizationRelationship', identity: 'Contoso', destructive: [], resourceKind: 'OrganizationRelationship' });
    expect(a.changes).toEqual([
      { field: 'DomainNames', before: undefined, after: [CONTOSO_ID] },
      { field: 'Enabled', before: undefined, after: true },
      { field: 'MailboxMoveEnabled', before: undefined, after: true },
      { field: 'MailboxMoveCapability', before: undefined, after: 'Inbound' },
    ]);
    expect(a.source).toEqual({ file: 'target.yaml', ...positionOf(TARGET_YAML, 'name: Contoso\n', 6) });
  });

  it('update only the fields that differ, with before and after', () => {
    const plan = planFor(baseFiles(), snapshots((l) => {
      l.contoso.OrganizationRelationship[0]!.Enabled = false;
      l.contoso.OrganizationRelationship[0]!.MailboxMoveCapability = 'RemoteInbound';
      l.contoso.OrganizationRelationship[0]!.MailboxMovePublishedScopes = [];
    }));
    const a = actionById(plan, 'contoso/OrganizationRelationship/Northwind');
    expect(a.action).toBe('update');
    expect(a.destructive).toEqual([]);
    expect(a.changes).toEqual([
      { field: 'Enabled', before: false, after: true },
      { field: 'MailboxMoveCapability', before: 'RemoteInbound', after: 'RemoteOutbound' },
      { field: 'MailboxMovePublishedScopes', before: [], after: ['T2T-Scope'] },
    ]);
  });

  it('updates keep the live Name as identity when YAML spells it in another case', () => {
    const plan = planFor(baseFiles({ 'target.yaml': replaceOnce(TARGET_YAML, 'name: Contoso\n', 'name: CONTOSO\n') }), snapshots((l) => {
      l.northwind.OrganizationRelationship[0]!.Enabled = false;
    }));
    expect(allActions(plan).map((a) => a.id)).toEqual(['northwind/OrganizationRelationship/Contoso']);
  });

  it('ensure: Absent deletes a live relationship (destructive "delete"); nothing when already gone', () => {
    const target = replaceOnce(TARGET_YAML, '  partner: contoso\n  enabled: true', '  ensure: Absent\n  partner: contoso\n  enabled: true');
    const plan = planFor(baseFiles({ 'target.yaml': target }), snapshots());
    const a = actionById(plan, 'northwind/OrganizationRelationship/Contoso');
    expect(a).toMatchObject({ action: 'delete', destructive: ['delete'], changes: [] });
    expect(plan.summary.delete).toBe(1);
    expect(plan.summary.destructive).toBeGreaterThanOrEqual(1);
    const gone = planFor(baseFiles({ 'target.yaml': target }), snapshots((l) => {
      l.northwind.OrganizationRelationship = [];
    }));
    expect(allActions(gone).filter((x) => x.kind === 'OrganizationRelationship')).toEqual([]);
  });

  it('a second relationship for the same partner tenant is RelationshipNameConflict, not a create', () => {
    const target = replaceOnce(TARGET_YAML, 'name: Contoso\n', 'name: Contoso Ltd\n');
    const plan = planFor(baseFiles({ 'target.yaml': target }), snapshots());
    expect(allActions(plan).filter((a) => a.kind === 'OrganizationRelationship')).toEqual([]);
    const f = plan.findings.find((x) => x.code === 'RelationshipNameConflict')!;
    expect(f).toMatchObject({ severity: 'error', tenant: 'northwind', kind: 'OrganizationRelationship', object: 'Contoso Ltd' });
    expect(f.message).toContain('"Contoso"');
    expect(f.location).toEqual({ file: 'target.yaml', ...positionOf(target, 'name: Contoso Ltd', 6) });
  });
});

describe('MigrationEndpoint', () => {
  it('create with RemoteServer default, RemoteTenant from partner, and a sensitive Credentials change', () => {
    const plan = planFor(baseFiles(), snapshots((l) => {
      l.northwind.MigrationEndpoint = [];
    }));
    const a = actionById(plan, 'northwind/MigrationEndpoint/Contoso-T2T');
    expect(a.action).toBe('create');
    expect(a.changes).toEqual([
      { field: 'RemoteServer', after: 'outlook.office.com' },
      { field: 'RemoteTenant', after: 'contoso.onmicrosoft.com' },
      { field: 'ApplicationId', after: APP_ID },
      { field: 'Credentials', sensitive: true },
    ]);
    expect(a.parameters).toEqual({ secretEnv: 'NORTHWIND_MIGRATION_APP_SECRET' });
  });

  it('create without credentials is blocked, saying what is missing', () => {
    const target = replaceOnce(TARGET_YAML, /  credentials:\n.*\n.*\n/, '');
    const plan = planFor(baseFiles({ 'target.yaml': target }), snapshots((l) => {
      l.northwind.MigrationEndpoint = [];
    }));
    const a = actionById(plan, 'northwind/MigrationEndpoint/Contoso-T2T');
    expect(a.action).toBe('blocked');
    expect(a.reason).toContain('credentials.secretEnv');
    expect(plan.summary.blocked).toBe(1);
  });

  it('update MaxConcurrentMigrations and RemoteServer; a new ApplicationId re-sends the secret', () => {
    const target = replaceOnce(TARGET_YAML, '  credentials:', '  maxConcurrentMigrations: 50\n  remoteServer: outlook.office365.com\n  credentials:');
    const plan = planFor(baseFiles({ 'target.yaml': target }), snapshots((l) => {
      l.northwind.MigrationEndpoint[0]!.ApplicationId = OTHER_ID;
    }));
    const a = actionById(plan, 'northwind/MigrationEndpoint/Contoso-T2T');
    expect(a.action).toBe('update');
    expect(a.changes).toEqual([
      { field: 'RemoteServer', before: 'outlook.office.com', after: 'outlook.office365.com' },
      { field: 'ApplicationId', before: OTHER_ID, after: APP_ID },
      { field: 'MaxConcurrentMigrations', before: 20, after: 50 },
      { field: 'Credentials', sensitive: true, derivedFrom: 'a new application needs its secret' },
    ]);
  });

  it('ensure: Absent deletes (destructive)', () => {
    const target = replaceOnce(TARGET_YAML, '  partner: contoso\n  applicationId', '  ensure: Absent\n  partner: contoso\n  applicationId');
    const plan = planFor(baseFiles({ 'target.yaml': target }), snapshots());
    expect(actionById(plan, 'northwind/MigrationEndpoint/Contoso-T2T')).toMatchObject({ action: 'delete', destructive: ['delete'] });
  });

  it('a different RemoteTenant means replace (destructive delete), with credentials; blocked without them', () => {
    const plan = planFor(baseFiles(), snapshots((l) => {
      l.northwind.MigrationEndpoint[0]!.RemoteTenant = 'fabrikam.onmicrosoft.com';
    }));
    const a = actionById(plan, 'northwind/MigrationEndpoint/Contoso-T2T');
    expect(a.action).toBe('replace');
    expect(a.destructive).toEqual(['delete']);
    expect(a.changes[0]).toEqual({ field: 'RemoteTenant', before: 'fabrikam.onmicrosoft.com', after: 'contoso.onmicrosoft.com', forcesReplacement: true });
    expect(a.changes.at(-1)).toEqual({ field: 'Credentials', sensitive: true });
    expect(plan.summary.replace).toBe(1);

    const target = replaceOnce(TARGET_YAML, /  credentials:\n.*\n.*\n/, '');
    const blocked = planFor(baseFiles({ 'target.yaml': target }), snapshots((l) => {
      l.northwind.MigrationEndpoint[0]!.RemoteTenant = 'fabrikam.onmicrosoft.com';
    }));
    const b = actionById(blocked, 'northwind/MigrationEndpoint/Contoso-T2T');
    expect(b.action).toBe('blocked');
    expect(b.reason).toMatch(/re-creating the endpoint.*credentials\.secretEnv/);
  });

  it('credential rotation: re-sends the secret only when the baseline rotation differs', () => {
    const key = 'northwind/contoso-t2t';
    const rotated = planFor(baseFiles(), snapshots(), { rotationBaseline: new Map([[key, '2026-10-01']]) });
    const a = actionById(rotated, 'northwind/MigrationEndpoint/Contoso-T2T');
    expect(a.action).toBe('update');
    expect(a.changes).toEqual([{ field: 'Credentials', sensitive: true, derivedFrom: 'rotation "2026-10-01" → "2026-11-01"' }]);
    expect(a.parameters).toEqual({ secretEnv: 'NORTHWIND_MIGRATION_APP_SECRET', applicationId: '8b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' });

    const unchanged = planFor(baseFiles(), snapshots(), { rotationBaseline: new Map([[key, '2026-11-01']]) });
    expect(allActions(unchanged)).toEqual([]);
    const noBaseline = planFor(baseFiles(), snapshots());
    expect(allActions(noBaseline)).toEqual([]);
    const firstRotation = planFor(baseFiles(), snapshots(), { rotationBaseline: new Map([[key, undefined]]) });
    expect(actionById(firstRotation, 'northwind/MigrationEndpoint/Contoso-T2T').changes[0]!.derivedFrom).toBe('rotation "" → "2026-11-01"');
  });

  it('an endpoint of another type is EndpointTypeMismatch', () => {
    const plan = planFor(baseFiles(), snapshots((l) => {
      l.northwind.MigrationEndpoint[0]!.EndpointType = 'IMAP';
    }));
    expect(codes(plan)).toContain('EndpointTypeMismatch');
    expect(allActions(plan).filter((a) => a.kind === 'MigrationEndpoint')).toEqual([]);
  });
});

describe('MigrationScope', () => {
  it('a member that is not a mailbox of the tenant is ScopeMemberNotFound at its YAML line', () => {
    const source = replaceOnce(SOURCE_YAML, '    - Lara.Newton@contoso.com', '    - Lara.Newton@contoso.com\n    - nobody@contoso.com');
    const plan = planFor(baseFiles({ 'source.yaml': source }), snapshots());
    const f = plan.findings.find((x) => x.code === 'ScopeMemberNotFound')!;
    expect(f).toMatchObject({ severity: 'error', tenant: 'contoso', kind: 'MigrationScope', object: 'T2T-Scope' });
    expect(f.message).toContain('nobody@contoso.com');
    expect(f.location).toEqual({ file: 'source.yaml', ...positionOf(source, 'nobody@') });
    expect(allActions(plan)).toEqual([]);
  });

  it('a member of a membersFile not found points at the line of the file', () => {
    const source = replaceOnce(SOURCE_YAML, '  members:\n    - Lara.Newton@contoso.com', '  membersFile: members.csv');
    const plan = planFor(baseFiles({ 'source.yaml': source, 'members.csv': 'EmailAddress\nLara.Newton@contoso.com\nghost@contoso.com\n' }), snapshots());
    const f = plan.findings.find((x) => x.code === 'ScopeMemberNotFound')!;
    expect(f.location).toMatchObject({ line: 3 });
    expect(f.location!.file).toMatch(/members\.csv$/);
  });

  it('a missing group without create is ScopeGroupMissing; with create: true it is created first', () => {
    const missing = planFor(baseFiles(), snapshots((l) => {
      l.contoso.DistributionGroup = [];
    }));
    expect(missing.findings.find((f) => f.code === 'ScopeGroupMissing')).toMatchObject({ severity: 'error', tenant: 'contoso', object: 'T2T-Scope' });
    expect(allActions(missing).filter((a) => a.kind === 'DistributionGroup')).toEqual([]);

    const source = replaceOnce(SOURCE_YAML, 'spec:\n  members:', 'spec:\n  create: true\n  members:');
    const created = planFor(baseFiles({ 'source.yaml': source }), snapshots((l) => {
      l.contoso.DistributionGroup = [];
    }));
    const create = actionById(created, 'contoso/DistributionGroup/T2T-Scope');
    expect(create).toMatchObject({ action: 'create', changes: [{ field: 'Type', after: 'Security' }] });
    expect(actionById(created, 'contoso/DistributionGroup/T2T-Scope#add-members')).toMatchObject({ action: 'update', dependsOn: [create.id], changes: [{ field: 'Members', add: ['Lara.Newton@contoso.com'] }] });
  });

  it('spec.group names the Exchange group instead of metadata.name', () => {
    const source = replaceEach(SOURCE_YAML, ['spec:\n  members:', 'spec:\n  group: Movers\n  members:'], ['[T2T-Scope]', '[Movers]']);
    const plan = planFor(baseFiles({ 'source.yaml': source }), snapshots((l) => {
      l.contoso.DistributionGroup[0]!.Name = 'Movers';
      l.contoso.DistributionGroup[0]!.Alias = 'Movers';
      l.contoso.OrganizationRelationship[0]!.MailboxMovePublishedScopes = ['Movers'];
    }));
    expect(allActions(plan)).toEqual([]);
    expect(plan.findings).toEqual([]);
  });

  it('a distribution (non-security) group is ScopeGroupNotSecurity and nothing is planned for it', () => {
    const plan = planFor(baseFiles(), snapshots((l) => {
      l.contoso.DistributionGroup[0]!.RecipientTypeDetails = 'MailUniversalDistributionGroup';
      l.contoso.DistributionGroup[0]!.Members = [];
    }));
    expect(plan.findings.find((f) => f.code === 'ScopeGroupNotSecurity')).toMatchObject({ severity: 'error', tenant: 'contoso', object: 'T2T-Scope' });
    expect(allActions(plan).filter((a) => a.kind === 'DistributionGroup')).toEqual([]);
  });

  it('additions and removals are separate actions; only the removal is destructive', () => {
    const plan = planFor(baseFiles(), snapshots((l) => {
      l.contoso.Mailbox.push(mailbox({ Name: 'Alex Wilber', Alias: 'AlexW', PrimarySmtpAddress: 'Alex.Wilber@contoso.com', ExchangeGuid: OTHER_ID, EmailAddresses: ['SMTP:Alex.Wilber@contoso.com'] }));
      l.contoso.DistributionGroup[0]!.Members = ['Alex.Wilber@contoso.com'];
    }));
    const add = actionById(plan, 'contoso/DistributionGroup/T2T-Scope#add-members');
    const remove = actionById(plan, 'contoso/DistributionGroup/T2T-Scope#remove-members');
    expect(add).toMatchObject({ action: 'update', destructive: [], changes: [{ field: 'Members', add: ['Lara.Newton@contoso.com'] }] });
    expect(remove).toMatchObject({ action: 'update', destructive: ['remove-member'], changes: [{ field: 'Members', remove: ['Alex.Wilber@contoso.com'] }] });
    expect(plan.summary.destructive).toBe(1);
  });

  it('members are compared by the mailbox primary address, whatever alias the YAML uses', () => {
    const source = replaceOnce(SOURCE_YAML, '- Lara.Newton@contoso.com', '- LaraN@contoso.onmicrosoft.com');
    const plan = planFor(baseFiles({ 'source.yaml': source }), snapshots());
    expect(allActions(plan)).toEqual([]);
  });

  it('a directory-synced group: member changes are blocked with the on-premises reason', () => {
    const plan = planFor(baseFiles(), snapshots((l) => {
      l.contoso.Mailbox.push(mailbox({ Name: 'Alex Wilber', Alias: 'AlexW', PrimarySmtpAddress: 'Alex.Wilber@contoso.com', ExchangeGuid: OTHER_ID, EmailAddresses: ['SMTP:Alex.Wilber@contoso.com'] }));
      l.contoso.DistributionGroup[0]!.Members = ['Alex.Wilber@contoso.com'];
      l.contoso.DistributionGroup[0]!.IsDirSynced = true;
    }));
    for (const id of ['contoso/DistributionGroup/T2T-Scope#add-members', 'contoso/DistributionGroup/T2T-Scope#remove-members']) {
      const a = actionById(plan, id);
      expect(a.action).toBe('blocked');
      expect(a.reason).toMatch(/on-premises/);
    }
    expect(plan.summary.blocked).toBe(2);
  });

  it('members are managed only when the YAML lists them', () => {
    const source = replaceOnce(SOURCE_YAML, 'spec:\n  members:\n    - Lara.Newton@contoso.com\n', 'spec:\n  create: true\n');
    const plan = planFor(baseFiles({ 'source.yaml': source }), snapshots((l) => {
      l.contoso.DistributionGroup[0]!.Members = ['Lara.Newton@contoso.com', 'Someone@contoso.com'];
    }));
    expect(allActions(plan)).toEqual([]);
  });
});

describe('MailUser', () => {
  it('create with every field, the derived ExchangeGuid and X500s, and the custom attributes', () => {
    const mu = replaceOnce(MAILUSER_YAML, '  source:', '  displayName: Lara Newton\n  customAttributes:\n    "1": Wave-1\n  source:');
    const plan = planFor(baseFiles({ 'mailusers.yaml': mu }), snapshots((l) => {
      l.northwind.MailUser = [];
    }));
    const a = actionById(plan, 'northwind/MailUser/LaraN');
    const from = 'contoso mailbox Lara.Newton@contoso.com';
    expect(a.action).toBe('create');
    expect(a.changes).toEqual([
      { field: 'Name', after: 'LaraN' },
      { field: 'Alias', after: 'LaraN' },
      { field: 'DisplayName', after: 'Lara Newton' },
      { field: 'ExternalEmailAddress', after: 'SMTP:LaraN@contoso.onmicrosoft.com' },
      { field: 'MicrosoftOnlineServicesID', after: 'LaraN@northwindtraders.onmicrosoft.com' },
      { field: 'PrimarySmtpAddress', after: 'Lara.Newton@northwindtraders.com' },
      { field: 'ExchangeGuid', after: LARA_GUID, derivedFrom: from },
      { field: 'EmailAddresses', add: [`X500:${mailbox().LegacyExchangeDN}`, LARA_X500], derivedFrom: from },
      { field: 'CustomAttribute1', before: undefined, after: 'Wave-1' },
    ]);
  });

  it('a missing mail user without externalEmailAddress or microsoftOnlineServicesId is MailUserNotCreatable', () => {
    const mu = replaceOnce(MAILUSER_YAML, /  microsoftOnlineServicesId: .*\n/, '');
    const plan = planFor(baseFiles({ 'mailusers.yaml': mu }), snapshots((l) => {
      l.northwind.MailUser = [];
    }));
    expect(plan.findings.find((f) => f.code === 'MailUserNotCreatable')).toMatchObject({ severity: 'error', tenant: 'northwind', object: 'LaraN' });
    expect(allActions(plan)).toEqual([]);
  });

  it('update: custom attributes; identity is the alias; a new MicrosoftOnlineServicesID is blocked with where to change it', () => {
    const mu = replaceOnce(MAILUSER_YAML, '  source:', '  customAttributes:\n    "1": Wave-1\n  source:');
    const plan = planFor(baseFiles({ 'mailusers.yaml': mu }), snapshots((l) => {
      l.northwind.MailUser[0]!.MicrosoftOnlineServicesID = 'old@northwindtraders.onmicrosoft.com';
      l.northwind.MailUser[0]!.CustomAttribute1 = 'Wave-0';
    }));
    const a = actionById(plan, 'northwind/MailUser/LaraN');
    expect(a).toMatchObject({ action: 'update', identity: 'LaraN', destructive: [] });
    expect(a.changes).toEqual([{ field: 'CustomAttribute1', before: 'Wave-0', after: 'Wave-1' }]);
    // Set-MailUser takes -MicrosoftOnlineServicesID only with a hold switch (its documented parameter sets): it cannot be sent alone.
    const mosid = actionById(plan, 'northwind/MailUser/LaraN#microsoft-online-services-id');
    expect(mosid).toMatchObject({ action: 'blocked', changes: [{ field: 'MicrosoftOnlineServicesID', before: 'old@northwindtraders.onmicrosoft.com', after: 'LaraN@northwindtraders.onmicrosoft.com' }] });
    expect(mosid.reason).toMatch(/user principal name in Entra ID/);
  });

  it('the mail user is found by its primary address when metadata.name is not its alias', () => {
    const mu = replaceOnce(MAILUSER_YAML, 'name: LaraN', 'name: lara-newton');
    const plan = planFor(baseFiles({ 'mailusers.yaml': mu }), snapshots());
    expect(allActions(plan)).toEqual([]);
  });

  it('removeEmailAddresses removes present addresses only, as destructive remove-address', () => {
    const mu = replaceOnce(MAILUSER_YAML, '  source:', '  removeEmailAddresses:\n    - SMTP:laran@northwindtraders.onmicrosoft.com\n    - smtp:never@northwindtraders.com\n  source:');
    const plan = planFor(baseFiles({ 'mailusers.yaml': mu }), snapshots());
    const a = actionById(plan, 'northwind/MailUser/LaraN');
    expect(a.destructive).toEqual(['remove-address']);
    expect(a.changes).toEqual([{ field: 'EmailAddresses', remove: ['SMTP:laran@northwindtraders.onmicrosoft.com'] }]);
  });

  it('stamping an unset ExchangeGuid is not destructive; replacing a set one is change-guid', () => {
    const unset = planFor(baseFiles(), snapshots((l) => {
      l.northwind.MailUser[0]!.ExchangeGuid = EMPTY;
    }));
    const a = actionById(unset, 'northwind/MailUser/LaraN');
    expect(a.destructive).toEqual([]);
    expect(a.changes).toEqual([{ field: 'ExchangeGuid', before: EMPTY, after: LARA_GUID, derivedFrom: 'contoso mailbox Lara.Newton@contoso.com' }]);

    const wrong = planFor(baseFiles(), snapshots((l) => {
      l.northwind.MailUser[0]!.ExchangeGuid = OTHER_ID;
    }));
    const b = actionById(wrong, 'northwind/MailUser/LaraN');
    expect(b.destructive).toEqual(['change-guid']);
    expect(b.changes[0]).toMatchObject({ field: 'ExchangeGuid', before: OTHER_ID, after: LARA_GUID });
    expect(wrong.summary.destructive).toBe(1);
  });

  it('without a source link, only what the YAML writes is compared', () => {
    const mu = replaceOnce(MAILUSER_YAML, /  source:\n.*\n.*\n/, '');
    const plan = planFor(baseFiles({ 'mailusers.yaml': mu }), snapshots((l) => {
      l.northwind.MailUser[0]!.EmailAddresses = ['SMTP:Lara.Newton@northwindtraders.com'];
      l.northwind.MailUser[0]!.ExchangeGuid = EMPTY;
    }));
    expect(allActions(plan)).toEqual([]);
  });
});

describe('CloudManagement', () => {
  const cloud = (value: boolean, ...mailboxes: string[]) => `apiVersion: exo.gitops/v1alpha1
kind: CloudManagement
metadata:
  name: retire
  tenant: contoso
spec:
  isExchangeCloudManaged: ${value}
  mailboxes:
${mailboxes.map((m) => `    - ${m}`).join('\n')}
`;

  it('sets IsExchangeCloudManaged on a synced mailbox; no action when it already matches', () => {
    const plan = planFor(baseFiles({ 'cloud.yaml': cloud(true, 'lara.newton@contoso.com') }), snapshots((l) => {
      l.contoso.Mailbox[0]!.IsDirSynced = true;
    }));
    const a = actionById(plan, 'contoso/Mailbox/Lara.Newton@contoso.com#cloud-managed');
    expect(a).toMatchObject({ action: 'update', kind: 'Mailbox', identity: 'Lara.Newton@contoso.com', changes: [{ field: 'IsExchangeCloudManaged', before: false, after: true }] });
    const done = planFor(baseFiles({ 'cloud.yaml': cloud(true, 'Lara.Newton@contoso.com') }), snapshots((l) => {
      l.contoso.Mailbox[0]!.IsDirSynced = true;
      l.contoso.Mailbox[0]!.IsExchangeCloudManaged = true;
    }));
    expect(allActions(done)).toEqual([]);
  });

  it('unknown mailbox → CloudManagedMailboxNotFound (error); cloud-only mailbox → CloudManagementNoEffect (warning), at the list entry', () => {
    const yaml = cloud(true, 'Lara.Newton@contoso.com', 'ghost@contoso.com');
    const plan = planFor(baseFiles({ 'cloud.yaml': yaml }), snapshots());
    expect(plan.findings.map((f) => [f.code, f.severity, f.location?.line])).toEqual([
      ['CloudManagementNoEffect', 'warning', positionOf(yaml, 'Lara.Newton').line],
      ['CloudManagedMailboxNotFound', 'error', positionOf(yaml, 'ghost').line],
    ]);
    expect(allActions(plan)).toEqual([]);
  });
});
