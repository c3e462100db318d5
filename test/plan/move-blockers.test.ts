// The move blockers Microsoft's CrossTenantMailboxMigrationValidation script checks, driven by
// snapshots: each fails with its code and passes without it, and each lands in the readiness row.
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/model/plan.js';
import { baseFiles, codes, LARA_GUID, planFor, snapshots, SOURCE_YAML, TENANTS_YAML, type Live } from './fixtures.js';
import { replaceOnce } from '../support/edit.js';

const LICENSED = ['ExchangeT2TMbxMove', 'BPOS_S_Enterprise'];
const location = (n: number) => `1;${'0000000' + n}-1111-4222-8333-444455556666;${n === 0 ? 'Primary' : 'AuxArchive'};contoso.onmicrosoft.com;aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee`;

function plan(edit: (live: Live) => void): Plan {
  return planFor(baseFiles(), snapshots(edit));
}

function row(p: Plan) {
  expect(p.readiness).toHaveLength(1);
  return p.readiness[0]!;
}

describe('move blockers', () => {
  it('the base fixtures are ready', () => {
    const p = plan(() => {});
    expect(codes(p)).toEqual([]);
    expect(row(p)).toEqual({ tenant: 'northwind', mailUser: 'LaraN', source: { tenant: 'contoso', mailbox: 'Lara.Newton@contoso.com' }, status: 'ready', codes: [], blockedActions: [] });
  });

  it('AuxArchiveLimit: 13 auxiliary archives, not 12', () => {
    const withArchives = (n: number) => plan((l) => (l.contoso.Mailbox[0]!.MailboxLocations = Array.from({ length: n + 1 }, (_, i) => location(i))));
    const over = withArchives(13);
    expect(codes(over)).toEqual(['AuxArchiveLimit']);
    expect(over.findings[0]!.message).toContain('has 13 auxiliary archives, more than the 12');
    expect(row(over)).toMatchObject({ status: 'blocked', codes: ['AuxArchiveLimit'] });
    expect(codes(withArchives(12))).toEqual([]);
  });

  it('CrossTenantLicenseMissing: neither side licensed; either side is enough; unknown (older snapshot) is no finding', () => {
    const unlicensed = plan((l) => {
      l.contoso.Mailbox[0]!.PersistedCapabilities = ['BPOS_S_Enterprise'];
      l.northwind.MailUser[0]!.PersistedCapabilities = [];
    });
    expect(codes(unlicensed)).toEqual(['CrossTenantLicenseMissing']);
    expect(row(unlicensed).status).toBe('blocked');
    expect(codes(plan((l) => {
      l.contoso.Mailbox[0]!.PersistedCapabilities = LICENSED;
      l.northwind.MailUser[0]!.PersistedCapabilities = [];
    }))).toEqual([]);
    expect(codes(plan((l) => {
      l.contoso.Mailbox[0]!.PersistedCapabilities = [];
      l.northwind.MailUser[0]!.PersistedCapabilities = ['exchanget2tmbxmove'];
    }))).toEqual([]);
    expect(codes(plan((l) => {
      l.contoso.Mailbox[0]!.PersistedCapabilities = [];
    }))).toEqual([]);
  });

  it('DumpsterOverTargetQuota: deleted items above the target quota; equal fits; Unlimited (null) fits', () => {
    const withSizes = (deleted: number, quota: number | null) =>
      plan((l) => {
        l.contoso.MailboxStatistics = [{ MailboxGuid: LARA_GUID.toUpperCase(), TotalDeletedItemSizeBytes: deleted }];
        l.northwind.MailUser[0]!.RecoverableItemsQuotaBytes = quota;
      });
    const over = withSizes(31 * 1024 ** 3, 30 * 1024 ** 3);
    expect(codes(over)).toEqual(['DumpsterOverTargetQuota']);
    expect(over.findings[0]!.message).toContain('31.00 GB of deleted items, more than the RecoverableItemsQuota 30.00 GB');
    expect(codes(withSizes(30 * 1024 ** 3, 30 * 1024 ** 3))).toEqual([]);
    expect(codes(withSizes(500 * 1024 ** 3, null))).toEqual([]);
  });

  it('DumpsterOverTargetQuota without statistics: the source quota bounds the deleted items', () => {
    // The export reads no statistics of a mailbox whose quota is within the 30 GB default.
    const withQuotas = (source: number | null | undefined, target: number | null) =>
      plan((l) => {
        l.contoso.MailboxStatistics = [];
        if (source !== undefined) l.contoso.Mailbox[0]!.RecoverableItemsQuotaBytes = source;
        l.northwind.MailUser[0]!.RecoverableItemsQuotaBytes = target;
      });
    // Within the target's quota: nothing can be over it.
    expect(codes(withQuotas(30 * 1024 ** 3, 30 * 1024 ** 3))).toEqual([]);
    expect(codes(withQuotas(100 * 1024 ** 3, null))).toEqual([]);
    // A target quota lowered below the source's: the deleted items may not fit, and nothing measured them.
    const lowered = withQuotas(30 * 1024 ** 3, 10 * 1024 ** 3);
    expect(codes(lowered)).toEqual(['DumpsterOverTargetQuota']);
    expect(lowered.findings[0]!.message).toContain('may hold up to 30.00 GB of deleted items (its RecoverableItemsQuota; statistics not read), more than the RecoverableItemsQuota 10.00 GB');
    // Unknown (an older snapshot) or Unlimited source quota without statistics: nothing to go on, no finding.
    expect(codes(withQuotas(undefined, 10 * 1024 ** 3))).toEqual([]);
    expect(codes(withQuotas(null, 10 * 1024 ** 3))).toEqual([]);
  });

  it('DemotedArchive: a DisabledArchiveGuid; the all-zero GUID is none', () => {
    expect(codes(plan((l) => (l.contoso.Mailbox[0]!.DisabledArchiveGuid = '9a1b2c3d-0000-4000-8000-000000000001')))).toEqual(['DemotedArchive']);
    expect(codes(plan((l) => (l.contoso.Mailbox[0]!.DisabledArchiveGuid = '00000000-0000-0000-0000-000000000000')))).toEqual([]);
  });

  it('OrganizationHold: an org-wide mailbox retention policy holds the mailbox, unless it is excluded or the policy only deletes', () => {
    const policy = 'mbxa2f1c3d4e5f6478899aabbccddeeff00';
    const held = plan((l) => (l.contoso.OrganizationConfig.InPlaceHolds = [`${policy}:2`]));
    expect(codes(held)).toEqual(['OrganizationHold']);
    expect(row(held)).toMatchObject({ status: 'blocked', codes: ['OrganizationHold'] });
    // The mailbox's own "-mbx…" entry excludes it; it is no hold of the mailbox either.
    expect(codes(plan((l) => {
      l.contoso.OrganizationConfig.InPlaceHolds = [`${policy}:2`];
      l.contoso.Mailbox[0]!.InPlaceHolds = [`-${policy}`];
    }))).toEqual([]);
    expect(codes(plan((l) => (l.contoso.OrganizationConfig.InPlaceHolds = [`${policy}:1`])))).toEqual([]);
    expect(codes(plan((l) => (l.contoso.OrganizationConfig.InPlaceHolds = ['grpa2f1c3d4e5f6478899aabbccddeeff00:3'])))).toEqual([]);
  });

  it('SourceMailboxOnHold follows the prefix rules of Microsoft\'s validation script: mbx, cld, UniH, skp and bare 32-character GUIDs are holds; "-mbx" exclusions and grp are not', () => {
    const held = (entry: string) => codes(plan((l) => (l.contoso.Mailbox[0]!.InPlaceHolds = [entry])));
    for (const entry of ['UniH7d2b8c5e-1111-4222-8333-444455556666', 'mbxcdbbb86ce60342489bff371876e7f224:1', 'cld9c0a984ca74b457fbe4504bf7d3e00de', 'skp127d7cf1076947929bf136b7a2a8c36f:3', 'c0ba3ce811b6432a8751430937152491']) {
      expect(held(entry), entry).toEqual(['SourceMailboxOnHold']);
    }
    for (const entry of ['-mbxe9b52bf7ab3b46a286308ecb29624696', 'grp1a0a132ee8944501a4bb6a452ec31171:3']) expect(held(entry), entry).toEqual([]);
  });

  it('TenantIdMismatch: the live tenant is not the tenantId the YAML says; every move of the pair is blocked', () => {
    const p = plan((l) => (l.contoso.tenant.tenantId = 'ffffffff-0000-4000-8000-000000000000'));
    expect(codes(p)).toEqual(['TenantIdMismatch']);
    expect(p.findings[0]!.message).toBe('tenant contoso signs in to tenant ID ffffffff-0000-4000-8000-000000000000, but its tenantId is 6c7b4d2e-3f1a-4e8b-9c5d-2a1b3c4d5e6f');
    expect(p.findings[0]!.location?.file).toBe('tenants.yaml');
    expect(row(p)).toMatchObject({ status: 'blocked', codes: ['TenantIdMismatch'] });
    expect(codes(plan((l) => (l.contoso.tenant.tenantId = l.contoso.tenant.tenantId.toUpperCase())))).toEqual([]);
  });

  it('a new endpoint in GCC High points at the GCC High service; the worldwide one stays outlook.office.com', () => {
    const gcc = replaceOnce(TENANTS_YAML, /organization: (\w+)\.onmicrosoft\.com/g, (m) => `${m}\n  environment: O365USGovGCCHigh`);
    const created = (files: ReturnType<typeof baseFiles>) =>
      planFor(files, snapshots((l) => (l.northwind.MigrationEndpoint = []))).tenants.flatMap((t) => t.actions).find((a) => a.kind === 'MigrationEndpoint')!.changes.find((c) => c.field === 'RemoteServer')!.after;
    expect(created(baseFiles({ 'tenants.yaml': gcc }))).toBe('outlook.office365.us');
    expect(created(baseFiles())).toBe('outlook.office.com');
  });

  it('CrossCloudPair: a commercial source and a GCC High target', () => {
    const files = baseFiles({ 'tenants.yaml': replaceOnce(TENANTS_YAML, 'organization: northwindtraders.onmicrosoft.com', 'organization: northwindtraders.onmicrosoft.com\n  environment: O365USGovGCCHigh') });
    const p = planFor(files, snapshots());
    expect(codes(p)).toContain('CrossCloudPair');
    expect(row(p).codes).toContain('CrossCloudPair');
  });

  it('RelationshipMoveDisabled: a live relationship switched off where the YAML leaves Enabled/MailboxMoveEnabled to it', () => {
    const files = baseFiles({ 'source.yaml': replaceOnce(SOURCE_YAML, '  enabled: true\n  mailboxMoveEnabled: true\n', '') });
    const off = planFor(files, snapshots((l) => (l.contoso.OrganizationRelationship[0]!.MailboxMoveEnabled = false)));
    expect(codes(off)).toEqual(['RelationshipMoveDisabled']);
    expect(off.findings[0]!.message).toBe("after this plan contoso's relationship Northwind has MailboxMoveEnabled false: no mailbox can move between northwind and contoso");
    expect(row(off)).toMatchObject({ status: 'blocked', codes: ['RelationshipMoveDisabled'] });
    // Written in the YAML, the plan turns it on: no finding, an update.
    const fixed = planFor(baseFiles(), snapshots((l) => (l.contoso.OrganizationRelationship[0]!.MailboxMoveEnabled = false)));
    expect(codes(fixed)).toEqual([]);
    expect(fixed.tenants.flatMap((t) => t.actions).map((a) => a.id)).toEqual(['contoso/OrganizationRelationship/Northwind']);
    expect(codes(planFor(files, snapshots((l) => (l.northwind.OrganizationRelationship[0]!.Enabled = false))))).toEqual([]);
  });

  it('a published scope written as the group\'s address or alias: no drift, no scope error', () => {
    for (const written of ['T2T-Scope@contoso.com', 't2t-scope']) {
      const files = baseFiles({ 'source.yaml': replaceOnce(SOURCE_YAML, 'mailboxMovePublishedScopes: [T2T-Scope]', `mailboxMovePublishedScopes: [${written}]`) });
      const p = planFor(files, snapshots());
      expect(p.tenants.flatMap((t) => t.actions)).toEqual([]);
      expect(codes(p)).toEqual([]);
      expect(row(p).status).toBe('ready');
    }
  });

  it('a member of a nested scope group: no NotInMigrationScope, no ScopeMemberNotFound, and the nested group is a member like a mailbox', () => {
    const nested = { Name: 'T2T-Wave-2', Alias: 'T2T-Wave-2', PrimarySmtpAddress: 'T2T-Wave-2@contoso.com', RecipientTypeDetails: 'MailUniversalSecurityGroup', IsDirSynced: false, Members: ['Lara.Newton@contoso.com'] };
    // Lara is in scope only through the nested group, which the scope document lists.
    const files = baseFiles({ 'source.yaml': replaceOnce(SOURCE_YAML, '    - Lara.Newton@contoso.com', '    - T2T-Wave-2@contoso.com') });
    const p = planFor(files, snapshots((l) => {
      l.contoso.DistributionGroup = [{ ...l.contoso.DistributionGroup[0]!, Members: ['T2T-Wave-2@contoso.com'] }, nested];
    }));
    expect(codes(p)).toEqual([]);
    expect(p.tenants.flatMap((t) => t.actions)).toEqual([]);
    expect(row(p).status).toBe('ready');
    // Undeclared scope: the live members, nested groups expanded (two levels), a cycle ends.
    const deeper = planFor(baseFiles({ 'source.yaml': replaceOnce(SOURCE_YAML, /^[\s\S]*?---\n/, '') }), snapshots((l) => {
      l.contoso.DistributionGroup = [
        { ...l.contoso.DistributionGroup[0]!, Members: ['T2T-Wave-2@contoso.com'] },
        { ...nested, Members: ['T2T-Wave-3@contoso.com'] },
        { ...nested, Name: 'T2T-Wave-3', Alias: 'T2T-Wave-3', PrimarySmtpAddress: 'T2T-Wave-3@contoso.com', Members: ['Lara.Newton@contoso.com', 'T2T-Wave-2@contoso.com'] },
      ];
    }));
    expect(codes(deeper).filter((c) => c !== 'PublishedScopeUndeclared')).toEqual([]);
    // Without the nesting Lara is out of scope.
    expect(codes(planFor(baseFiles({ 'source.yaml': replaceOnce(SOURCE_YAML, /^[\s\S]*?---\n/, '') }), snapshots((l) => {
      l.contoso.DistributionGroup = [{ ...l.contoso.DistributionGroup[0]!, Members: [] }];
    })))).toEqual(['NotInMigrationScope']);
  });

  it('all at once: every code on one row, errors first, blocked before ready', () => {
    const p = plan((l) => {
      const source = l.contoso.Mailbox[0]!;
      source.MailboxLocations = Array.from({ length: 14 }, (_, i) => location(i));
      source.PersistedCapabilities = [];
      source.DisabledArchiveGuid = '9a1b2c3d-0000-4000-8000-000000000001';
      l.northwind.MailUser[0]!.PersistedCapabilities = [];
      l.northwind.MailUser[0]!.RecoverableItemsQuotaBytes = 1024;
      l.contoso.MailboxStatistics = [{ MailboxGuid: LARA_GUID, TotalDeletedItemSizeBytes: 2048 }];
      l.contoso.OrganizationConfig.InPlaceHolds = ['mbx00000000000000000000000000000001:3'];
      l.contoso.tenant.tenantId = 'ffffffff-0000-4000-8000-000000000000';
    });
    expect(row(p).codes).toEqual(['AuxArchiveLimit', 'CrossTenantLicenseMissing', 'DemotedArchive', 'DumpsterOverTargetQuota', 'OrganizationHold', 'TenantIdMismatch']);
  });
});
