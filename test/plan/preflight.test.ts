// The cross-tenant preflight: each check failing (code, severity, tenant/object, YAML position) and
// passing, the values derived from the source mailbox, blocked actions, live pair checks, dehydrated
// tenants and the per-tenant action limit.
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/finding.js';
import type { Plan } from '../../src/model/plan.js';
import {
  actionById, allActions, APP_ID, baseFiles, codes, EMPTY, LARA_DN, LARA_GUID, LARA_X500, mailbox, MAILUSER_YAML, mailUser, planFor, positionOf, snapshots,
  SOURCE_YAML, TARGET_YAML,
} from './fixtures.js';
import { replaceOnce } from '../support/edit.js';

const OTHER = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const ARCHIVE = '5d2e7c41-93a8-4f0e-b6c2-7a19e4d3f820';
const FROM = 'contoso mailbox Lara.Newton@contoso.com';

function only(plan: Plan, code: string): Finding {
  const found = plan.findings.filter((f) => f.code === code);
  expect(found, `findings: ${plan.findings.map((f) => f.code).join(', ')}`).toHaveLength(1);
  return found[0]!;
}

/** MAILUSER_YAML with lines added before `source:`. */
function mu(extra: string, base = MAILUSER_YAML): string {
  return replaceOnce(base, '  source:', `${extra}  source:`);
}

const at = (file: string, text: string, needle: string, offset = 0) => ({ file, ...positionOf(text, needle, offset) });

describe('values derived from the source mailbox', () => {
  it('ExchangeGuid, ArchiveGuid and every X500 are stamped with derivedFrom when the YAML omits them', () => {
    const plan = planFor(baseFiles(), snapshots((l) => {
      l.contoso.Mailbox[0]!.ArchiveGuid = ARCHIVE;
      l.northwind.MailUser[0]!.ExchangeGuid = EMPTY;
      l.northwind.MailUser[0]!.EmailAddresses = ['SMTP:Lara.Newton@northwindtraders.com'];
    }));
    expect(plan.findings).toEqual([]);
    expect(actionById(plan, 'northwind/MailUser/LaraN').changes).toEqual([
      { field: 'ExchangeGuid', before: EMPTY, after: LARA_GUID, derivedFrom: FROM },
      { field: 'ArchiveGuid', before: EMPTY, after: ARCHIVE, derivedFrom: FROM },
      { field: 'EmailAddresses', add: [`X500:${LARA_DN}`, LARA_X500], derivedFrom: FROM },
    ]);
  });

  it("the seed's Lara Newton example: a target missing X500:<source LegacyExchangeDN> gets it added", () => {
    const plan = planFor(baseFiles(), snapshots((l) => {
      l.northwind.MailUser[0]!.EmailAddresses = l.northwind.MailUser[0]!.EmailAddresses.filter((a) => !a.includes('d11ec1a2'));
    }));
    const a = actionById(plan, 'northwind/MailUser/LaraN');
    expect(a.action).toBe('update');
    expect(a.destructive).toEqual([]);
    expect(a.changes).toEqual([{ field: 'EmailAddresses', add: [`X500:${LARA_DN}`], derivedFrom: FROM }]);
  });

  it('a source X500 written in YAML in another case is not added twice; X500s are not re-added when present', () => {
    const yaml = mu(`  emailAddresses:\n    - x500:${LARA_DN.toUpperCase()}\n`);
    const plan = planFor(baseFiles({ 'mailusers.yaml': yaml }), snapshots());
    expect(allActions(plan)).toEqual([]);
  });
});

describe('GUIDs', () => {
  it('ExchangeGuidMismatch at spec.exchangeGuid; an equal GUID in another case passes', () => {
    const yaml = mu(`  exchangeGuid: ${OTHER}\n`);
    const plan = planFor(baseFiles({ 'mailusers.yaml': yaml }), snapshots());
    const f = only(plan, 'ExchangeGuidMismatch');
    expect(f).toMatchObject({ severity: 'error', tenant: 'northwind', kind: 'MailUser', object: 'LaraN', location: at('mailusers.yaml', yaml, OTHER) });
    expect(f.message).toContain(LARA_GUID);
    const ok = planFor(baseFiles({ 'mailusers.yaml': mu(`  exchangeGuid: ${LARA_GUID.toUpperCase()}\n`) }), snapshots());
    expect(ok.findings).toEqual([]);
  });

  it('ArchiveGuidMismatch when the source has another archive; equal passes', () => {
    const yaml = mu(`  archiveGuid: ${OTHER}\n`);
    const live = snapshots((l) => {
      l.contoso.Mailbox[0]!.ArchiveGuid = ARCHIVE;
      l.northwind.MailUser[0]!.ArchiveGuid = ARCHIVE;
    });
    const f = only(planFor(baseFiles({ 'mailusers.yaml': yaml }), live), 'ArchiveGuidMismatch');
    expect(f).toMatchObject({ severity: 'error', tenant: 'northwind', object: 'LaraN', location: at('mailusers.yaml', yaml, OTHER) });
    const ok = planFor(baseFiles({ 'mailusers.yaml': mu(`  archiveGuid: ${ARCHIVE}\n`) }), snapshots((l) => {
      l.contoso.Mailbox[0]!.ArchiveGuid = ARCHIVE;
      l.northwind.MailUser[0]!.ArchiveGuid = ARCHIVE.toUpperCase();
    }));
    expect(ok.findings).toEqual([]);
    expect(allActions(ok)).toEqual([]);
  });

  it('ArchiveWithoutSource from YAML (at spec.archiveGuid) and from live (at metadata.name)', () => {
    const yaml = mu(`  archiveGuid: ${ARCHIVE}\n`);
    const fromYaml = only(planFor(baseFiles({ 'mailusers.yaml': yaml }), snapshots()), 'ArchiveWithoutSource');
    expect(fromYaml).toMatchObject({ severity: 'error', tenant: 'northwind', object: 'LaraN', location: at('mailusers.yaml', yaml, ARCHIVE) });

    const fromLive = only(planFor(baseFiles(), snapshots((l) => {
      l.northwind.MailUser[0]!.ArchiveGuid = ARCHIVE;
    })), 'ArchiveWithoutSource');
    expect(fromLive.message).toContain(ARCHIVE);
    expect(fromLive.location).toEqual(at('mailusers.yaml', MAILUSER_YAML, 'name: LaraN', 6));
  });

  it('no archive on either side, or the all-zero GUID written as "", passes', () => {
    const plan = planFor(baseFiles(), snapshots((l) => {
      l.contoso.Mailbox[0]!.ArchiveGuid = '';
      l.northwind.MailUser[0]!.ArchiveGuid = EMPTY;
    }));
    expect(plan.findings).toEqual([]);
  });
});

describe('addresses', () => {
  it('ExternalAddressNotSource at spec.externalEmailAddress; any SMTP address of the source passes', () => {
    const yaml = replaceOnce(MAILUSER_YAML, 'SMTP:LaraN@contoso.onmicrosoft.com', 'SMTP:someone@contoso.onmicrosoft.com');
    const plan = planFor(baseFiles({ 'mailusers.yaml': yaml }), snapshots());
    const f = only(plan, 'ExternalAddressNotSource');
    expect(f).toMatchObject({ severity: 'error', tenant: 'northwind', object: 'LaraN', location: at('mailusers.yaml', yaml, 'SMTP:someone') });
    for (const ok of ['Lara.Newton@contoso.com', 'smtp:LARAN@contoso.onmicrosoft.com']) {
      const p = planFor(baseFiles({ 'mailusers.yaml': replaceOnce(MAILUSER_YAML, 'SMTP:LaraN@contoso.onmicrosoft.com', ok) }), snapshots((l) => {
        l.northwind.MailUser[0]!.ExternalEmailAddress = `SMTP:${ok.replace(/^smtp:/i, '')}`;
      }));
      expect(p.findings, ok).toEqual([]);
    }
  });

  it('ExternalAddressNotSource from live when the YAML omits it, pointing at metadata.name', () => {
    const yaml = replaceOnce(MAILUSER_YAML, /  externalEmailAddress: .*\n/, '');
    const plan = planFor(baseFiles({ 'mailusers.yaml': yaml }), snapshots((l) => {
      l.northwind.MailUser[0]!.ExternalEmailAddress = 'SMTP:elsewhere@fabrikam.com';
    }));
    expect(only(plan, 'ExternalAddressNotSource').location).toEqual(at('mailusers.yaml', yaml, 'name: LaraN', 6));
  });

  it('PrimarySmtpMissing when no primary is set and Exchange made the external address primary', () => {
    const yaml = replaceOnce(MAILUSER_YAML, /  primarySmtpAddress: .*\n/, '');
    const plan = planFor(baseFiles({ 'mailusers.yaml': yaml }), snapshots((l) => {
      l.northwind.MailUser[0]!.PrimarySmtpAddress = 'LaraN@contoso.onmicrosoft.com';
      l.northwind.MailUser[0]!.EmailAddresses = ['smtp:LaraN@northwindtraders.onmicrosoft.com', `X500:${LARA_DN}`, LARA_X500];
    }));
    expect(only(plan, 'PrimarySmtpMissing')).toMatchObject({ severity: 'error', tenant: 'northwind', object: 'LaraN', location: at('mailusers.yaml', yaml, 'externalEmailAddress') });
    // Passing: the live primary is in the target, even though the YAML does not write it.
    expect(planFor(baseFiles({ 'mailusers.yaml': yaml }), snapshots()).findings).toEqual([]);
  });

  it('PrimarySmtpMissing for a mail user to create without primarySmtpAddress', () => {
    const yaml = replaceOnce(MAILUSER_YAML, /  primarySmtpAddress: .*\n/, '');
    const plan = planFor(baseFiles({ 'mailusers.yaml': yaml }), snapshots((l) => {
      l.northwind.MailUser = [];
    }));
    expect(codes(plan)).toEqual(['PrimarySmtpMissing']);
  });

  it('AddressNotAcceptedDomain at each offending YAML entry; accepted and initial domains pass', () => {
    const yaml = replaceOnce(mu('  emailAddresses:\n    - smtp:lara@contoso.com\n    - smtp:lara@northwindtraders.com\n    - smtp:lara2@NorthwindTraders.onmicrosoft.com\n'), 'primarySmtpAddress: Lara.Newton@northwindtraders.com', 'primarySmtpAddress: Lara.Newton@northwind.example');
    const plan = planFor(baseFiles({ 'mailusers.yaml': yaml }), snapshots());
    const found = plan.findings.filter((f) => f.code === 'AddressNotAcceptedDomain');
    expect(found.map((f) => [f.severity, f.tenant, f.object, f.location])).toEqual([
      ['error', 'northwind', 'LaraN', at('mailusers.yaml', yaml, 'Lara.Newton@northwind.example')],
      ['error', 'northwind', 'LaraN', at('mailusers.yaml', yaml, 'smtp:lara@contoso.com')],
    ]);
  });

  it('AddressNotAcceptedDomain for a live proxy that stays, but not for one the YAML removes', () => {
    const live = snapshots((l) => {
      l.northwind.MailUser[0]!.EmailAddresses.push('smtp:lara@fabrikam.com');
    });
    expect(codes(planFor(baseFiles(), live))).toEqual(['AddressNotAcceptedDomain']);
    const removing = planFor(baseFiles({ 'mailusers.yaml': mu('  removeEmailAddresses: [smtp:lara@fabrikam.com]\n') }), live);
    expect(removing.findings).toEqual([]);
    expect(actionById(removing, 'northwind/MailUser/LaraN').destructive).toEqual(['remove-address']);
  });
});

describe('source mailbox', () => {
  it('SourceMailboxNotFound at spec.source.mailbox', () => {
    const yaml = replaceOnce(MAILUSER_YAML, 'mailbox: Lara.Newton@contoso.com', 'mailbox: nobody@contoso.com');
    expect(only(planFor(baseFiles({ 'mailusers.yaml': yaml }), snapshots()), 'SourceMailboxNotFound')).toMatchObject({ severity: 'error', location: at('mailusers.yaml', yaml, 'nobody@') });
  });

  it.each([
    ['LitigationHoldEnabled', { LitigationHoldEnabled: true }],
    ['DelayHoldApplied', { DelayHoldApplied: true }],
    ['DelayReleaseHoldApplied', { DelayReleaseHoldApplied: true }],
    ['ComplianceTagHoldApplied', { ComplianceTagHoldApplied: true }],
    ['InPlaceHolds (UniH7d895e4f)', { InPlaceHolds: ['UniH7d895e4f'] }],
  ])('SourceMailboxOnHold: %s', (name, hold) => {
    const plan = planFor(baseFiles(), snapshots((l) => {
      Object.assign(l.contoso.Mailbox[0]!, hold);
    }));
    const f = only(plan, 'SourceMailboxOnHold');
    expect(f).toMatchObject({ severity: 'error', tenant: 'northwind', object: 'LaraN', location: at('mailusers.yaml', MAILUSER_YAML, 'Lara.Newton@contoso.com') });
    expect(f.message).toContain(name);
  });

  it('no hold passes (holds absent or false)', () => {
    const plan = planFor(baseFiles(), snapshots((l) => {
      const m = l.contoso.Mailbox[0]! as unknown as Record<string, unknown>;
      delete m.DelayHoldApplied;
      delete m.ComplianceTagHoldApplied;
    }));
    expect(plan.findings).toEqual([]);
  });

  it('NotInMigrationScope against the desired members when the scope is declared, even if live has it', () => {
    const source = replaceOnce(SOURCE_YAML, '- Lara.Newton@contoso.com', '- Alex.Wilber@contoso.com');
    const plan = planFor(baseFiles({ 'source.yaml': source }), snapshots((l) => {
      l.contoso.Mailbox.push(mailbox({ Name: 'Alex', Alias: 'AlexW', PrimarySmtpAddress: 'Alex.Wilber@contoso.com', ExchangeGuid: OTHER, EmailAddresses: [] }));
    }));
    const f = only(plan, 'NotInMigrationScope');
    expect(f).toMatchObject({ severity: 'error', tenant: 'northwind', object: 'LaraN', location: at('mailusers.yaml', MAILUSER_YAML, 'Lara.Newton@contoso.com') });
    expect(f.message).toContain('T2T-Scope');
  });

  it('desired members count, not live: a member this plan adds passes', () => {
    const plan = planFor(baseFiles(), snapshots((l) => {
      l.contoso.DistributionGroup[0]!.Members = [];
    }));
    expect(plan.findings).toEqual([]);
    expect(actionById(plan, 'contoso/DistributionGroup/T2T-Scope#add-members').changes).toEqual([{ field: 'Members', add: ['Lara.Newton@contoso.com'] }]);
  });

  it('live members count when the repository does not declare the group, through the live relationship', () => {
    const notDeclared = { 'source.yaml': '' };
    const missing = planFor(baseFiles(notDeclared), snapshots((l) => {
      l.contoso.DistributionGroup[0]!.Members = ['Someone.Else@contoso.com'];
    }));
    expect(codes(missing)).toEqual(['NotInMigrationScope']);
    expect(planFor(baseFiles(notDeclared), snapshots()).findings).toEqual([]);
  });

  it('after a completed move (the source is a mail user now) there is nothing to check', () => {
    const plan = planFor(baseFiles(), snapshots((l) => {
      const m = l.contoso.Mailbox.shift()!;
      l.contoso.MailUser.push(mailUser({ Name: m.Name, Alias: m.Alias, PrimarySmtpAddress: m.PrimarySmtpAddress, EmailAddresses: m.EmailAddresses, LitigationHoldEnabled: true } as never));
      l.contoso.DistributionGroup[0]!.Members = [];
    }));
    expect(codes(plan)).not.toContain('SourceMailboxNotFound');
    expect(codes(plan)).not.toContain('SourceMailboxOnHold');
  });
});

describe('blocked actions', () => {
  const previouslyMailbox = (over: Record<string, unknown> = {}) =>
    snapshots((l) => {
      Object.assign(l.northwind.MailUser[0]!, { PreviousRecipientTypeDetails: 'UserMailbox', ExchangeGuid: EMPTY, ...over });
    });

  it('PreviousRecipientTypeDetails UserMailbox: a blocked clear step until explicitly allowed', () => {
    const plan = planFor(baseFiles(), previouslyMailbox());
    const clear = actionById(plan, 'northwind/User/LaraN#clear-previous-mailbox');
    expect(clear).toMatchObject({ kind: 'User', action: 'blocked', destructive: ['clear-previous-mailbox-info'] });
    expect(clear.reason).toMatch(/PermanentlyClearPreviousMailboxInfo.*irreversible.*permanentlyClearPreviousMailboxInfo: true/);
    expect(actionById(plan, 'northwind/MailUser/LaraN').dependsOn).toEqual([clear.id]);
    expect(plan.summary.blocked).toBe(1);
    // The action says what it would destroy; the plan counts no destructive change, since it never runs.
    expect(plan.summary.destructive).toBe(0);
  });

  it('with permanentlyClearPreviousMailboxInfo: true the clear is planned (destructive) and the attribute change depends on it', () => {
    const plan = planFor(baseFiles({ 'mailusers.yaml': mu('  permanentlyClearPreviousMailboxInfo: true\n') }), previouslyMailbox());
    const clear = actionById(plan, 'northwind/User/LaraN#clear-previous-mailbox');
    expect(clear).toMatchObject({ action: 'update', destructive: ['clear-previous-mailbox-info'], changes: [{ field: 'PreviousRecipientTypeDetails', before: 'UserMailbox', after: 'None' }] });
    expect(clear.reason).toBeUndefined();
    const attributes = actionById(plan, 'northwind/MailUser/LaraN');
    expect(attributes.dependsOn).toEqual([clear.id]);
    const ids = plan.tenants[0]!.actions.map((a) => a.id);
    expect(ids.indexOf(clear.id)).toBeLessThan(ids.indexOf(attributes.id));
  });

  it('a synced mail user with previous mailbox info: the allowed clear runs (Set-User takes it for synced users), still destructive', () => {
    const plan = planFor(baseFiles({ 'mailusers.yaml': mu('  permanentlyClearPreviousMailboxInfo: true\n') }), previouslyMailbox({ IsDirSynced: true }));
    const clear = actionById(plan, 'northwind/User/LaraN#clear-previous-mailbox');
    expect(clear.action).toBe('update');
    expect(clear.reason).toBeUndefined();
    expect(clear.destructive).toEqual(['clear-previous-mailbox-info']);
    expect(plan.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('a directory-synced MEU: a change is blocked; no change, no action', () => {
    const plan = planFor(baseFiles(), snapshots((l) => {
      l.northwind.MailUser[0]!.IsDirSynced = true;
      l.northwind.MailUser[0]!.EmailAddresses = l.northwind.MailUser[0]!.EmailAddresses.filter((a) => !a.includes('d11ec1a2'));
    }));
    const a = actionById(plan, 'northwind/MailUser/LaraN');
    expect(a.action).toBe('blocked');
    expect(a.reason).toMatch(/synchronized from your on-premises organization/);
    expect(a.changes).toEqual([{ field: 'EmailAddresses', add: [`X500:${LARA_DN}`], derivedFrom: FROM }]);
    expect(allActions(planFor(baseFiles(), snapshots((l) => {
      l.northwind.MailUser[0]!.IsDirSynced = true;
    })))).toEqual([]);
  });

  describe('a moved user (the target object is a mailbox now)', () => {
    const moved = (over: Record<string, unknown>) =>
      snapshots((l) => {
        l.northwind.MailUser = [];
        l.northwind.Mailbox.push(mailbox({ Name: 'Lara Newton', Alias: 'LaraN', PrimarySmtpAddress: 'Lara.Newton@northwindtraders.com', EmailAddresses: ['SMTP:Lara.Newton@northwindtraders.com'], CustomAttribute1: 'old', ...over }));
      });
    const yaml = mu('  customAttributes:\n    "1": Wave-1\n');
    const cloud = `apiVersion: exo.gitops/v1alpha1
kind: CloudManagement
metadata:
  name: cloud
  tenant: northwind
spec:
  isExchangeCloudManaged: true
  mailboxes: [lara.newton@northwindtraders.com]
`;

    it('synced and not cloud-managed: blocked, suggesting CloudManagement', () => {
      const plan = planFor(baseFiles({ 'mailusers.yaml': yaml }), moved({ IsDirSynced: true }));
      const a = actionById(plan, 'northwind/Mailbox/Lara.Newton@northwindtraders.com');
      expect(a).toMatchObject({ kind: 'Mailbox', action: 'blocked', changes: [{ field: 'CustomAttribute1', before: 'old', after: 'Wave-1' }] });
      expect(a.reason).toMatch(/on-premises.*CloudManagement/);
      // The move is history: no guid, X500 or scope checks; the blocked change says where to act.
      expect(plan.findings.map((f) => f.code)).toEqual(['BlockedChange']);
    });

    it('synced and cloud-managed already: an update', () => {
      const plan = planFor(baseFiles({ 'mailusers.yaml': yaml }), moved({ IsDirSynced: true, IsExchangeCloudManaged: true }));
      expect(actionById(plan, 'northwind/Mailbox/Lara.Newton@northwindtraders.com')).toMatchObject({ action: 'update', dependsOn: [] });
    });

    it('made cloud-managed by this plan: an update that depends on the cloud-managed step, ordered after it', () => {
      const plan = planFor(baseFiles({ 'mailusers.yaml': yaml, 'cloud.yaml': cloud }), moved({ IsDirSynced: true }));
      const flag = actionById(plan, 'northwind/Mailbox/Lara.Newton@northwindtraders.com#cloud-managed');
      const attrs = actionById(plan, 'northwind/Mailbox/Lara.Newton@northwindtraders.com');
      expect(attrs).toMatchObject({ action: 'update', dependsOn: [flag.id] });
      const ids = plan.tenants[0]!.actions.map((a) => a.id);
      expect(ids.indexOf(flag.id)).toBeLessThan(ids.indexOf(attrs.id));
    });

    it('not synced: an update without any cloud-management step', () => {
      const plan = planFor(baseFiles({ 'mailusers.yaml': yaml }), moved({ IsDirSynced: false }));
      expect(actionById(plan, 'northwind/Mailbox/Lara.Newton@northwindtraders.com')).toMatchObject({ action: 'update', dependsOn: [], destructive: [] });
    });
  });
});

describe('live pair checks', () => {
  it('LiveRelationshipPairMismatch when the target would have no Inbound relationship for the source', () => {
    const target = TARGET_YAML.split('---')[0]!;
    const plan = planFor(baseFiles({ 'target.yaml': target }), snapshots((l) => {
      l.northwind.OrganizationRelationship[0]!.MailboxMoveCapability = 'None';
    }));
    expect(only(plan, 'LiveRelationshipPairMismatch')).toMatchObject({ severity: 'error', tenant: 'northwind', kind: 'OrganizationRelationship', object: 'contoso' });
  });

  it('LiveRelationshipPairMismatch when the live source relationship names another tenant ID; passes when it names the target', () => {
    const source = SOURCE_YAML.split('---')[0]!;
    const plan = planFor(baseFiles({ 'source.yaml': source }), snapshots((l) => {
      l.contoso.OrganizationRelationship[0]!.DomainNames = [OTHER];
    }));
    const f = only(plan, 'LiveRelationshipPairMismatch');
    expect(f).toMatchObject({ tenant: 'contoso', object: 'northwind' });
    expect(f.message).toContain('RemoteOutbound');
    expect(planFor(baseFiles({ 'source.yaml': source }), snapshots()).findings).toEqual([]);
  });

  it('the YAML fixing the live side is taken into account (no finding)', () => {
    const plan = planFor(baseFiles(), snapshots((l) => {
      l.contoso.OrganizationRelationship[0]!.MailboxMoveCapability = 'RemoteInbound';
    }));
    expect(plan.findings).toEqual([]);
    expect(actionById(plan, 'contoso/OrganizationRelationship/Northwind').changes).toEqual([{ field: 'MailboxMoveCapability', before: 'RemoteInbound', after: 'RemoteOutbound' }]);
  });

  it('NoPublishedScope at the source relationship when it publishes no group', () => {
    const source = replaceOnce(SOURCE_YAML, '  mailboxMovePublishedScopes: [T2T-Scope]\n', '');
    const plan = planFor(baseFiles({ 'source.yaml': source }), snapshots((l) => {
      l.contoso.OrganizationRelationship[0]!.MailboxMovePublishedScopes = [];
    }));
    expect(only(plan, 'NoPublishedScope')).toMatchObject({ severity: 'error', tenant: 'contoso', kind: 'OrganizationRelationship', object: 'Northwind', location: at('source.yaml', source, 'name: Northwind', 6) });
  });

  it('LiveOAuthAppMismatch from YAML (at the source relationship) and from live state; equal GUIDs pass', () => {
    const source = replaceOnce(SOURCE_YAML, `oauthApplicationId: ${APP_ID}`, `oauthApplicationId: ${OTHER}`);
    const plan = planFor(baseFiles({ 'source.yaml': source }), snapshots());
    expect(only(plan, 'LiveOAuthAppMismatch')).toMatchObject({ severity: 'error', tenant: 'contoso', object: 'Northwind', location: at('source.yaml', source, 'name: Northwind', 6) });

    const liveOnly = planFor(baseFiles({ 'source.yaml': replaceOnce(SOURCE_YAML, `  oauthApplicationId: ${APP_ID}\n`, '') }), snapshots((l) => {
      l.contoso.OrganizationRelationship[0]!.OAuthApplicationId = OTHER;
    }));
    expect(codes(liveOnly)).toEqual(['LiveOAuthAppMismatch']);
    const endpointLive = planFor(baseFiles({ 'target.yaml': replaceOnce(TARGET_YAML, `  applicationId: ${APP_ID}\n`, '') }), snapshots((l) => {
      l.northwind.MigrationEndpoint[0]!.ApplicationId = OTHER;
    }));
    expect(codes(endpointLive)).toEqual(['LiveOAuthAppMismatch']);
  });
});

describe('dehydrated tenants', () => {
  it('Enable-OrganizationCustomization comes first and every other action depends on it', () => {
    const plan = planFor(baseFiles(), snapshots((l) => {
      l.contoso.OrganizationConfig.IsDehydrated = true;
      l.contoso.OrganizationRelationship[0]!.Enabled = false;
      l.contoso.DistributionGroup[0]!.Members = [];
    }));
    const contoso = plan.tenants.find((t) => t.tenant === 'contoso')!;
    const first = contoso.actions[0]!;
    expect(first).toMatchObject({ id: 'contoso/OrganizationConfig/contoso.onmicrosoft.com#customize', kind: 'OrganizationConfig', action: 'update', changes: [{ field: 'IsDehydrated', before: true, after: false }], dependsOn: [] });
    expect(contoso.actions).toHaveLength(3);
    for (const a of contoso.actions.slice(1)) expect(a.dependsOn[0]).toBe(first.id);
    // Only the dehydrated tenant gets one.
    expect(allActions(plan).filter((a) => a.kind === 'OrganizationConfig')).toHaveLength(1);
  });

  it('no customization when the dehydrated tenant has nothing to change, or only blocked actions', () => {
    expect(allActions(planFor(baseFiles(), snapshots((l) => {
      l.contoso.OrganizationConfig.IsDehydrated = true;
    })))).toEqual([]);
    const blockedOnly = planFor(baseFiles(), snapshots((l) => {
      l.contoso.OrganizationConfig.IsDehydrated = true;
      l.contoso.DistributionGroup[0]!.IsDirSynced = true;
      l.contoso.DistributionGroup[0]!.Members = [];
    }));
    expect(allActions(blockedOnly).map((a) => a.action)).toEqual(['blocked']);
  });
});

describe('guardrail', () => {
  const busy = () =>
    snapshots((l) => {
      l.northwind.OrganizationRelationship[0]!.Enabled = false;
      l.northwind.MigrationEndpoint = [];
      l.contoso.OrganizationRelationship[0]!.Enabled = false;
    });

  it('TooManyActions per tenant above the limit; at the limit, or with 0 (no limit), none', () => {
    const over = planFor(baseFiles(), busy(), { maxActionsPerTenant: 1 });
    const f = only(over, 'TooManyActions');
    expect(f).toMatchObject({ severity: 'error', tenant: 'northwind' });
    expect(f.message).toBe('2 actions planned for northwind, above the limit of 1');
    expect(over.maxActionsPerTenant).toBe(1);
    expect(codes(planFor(baseFiles(), busy(), { maxActionsPerTenant: 2 }))).toEqual([]);
    expect(codes(planFor(baseFiles(), busy(), { maxActionsPerTenant: 0 }))).toEqual([]);
    expect(planFor(baseFiles(), busy()).maxActionsPerTenant).toBe(1000);
  });
});
