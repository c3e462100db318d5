// A hand-made plan with every action type, every destructive class, blocked reasons, sensitive and
// derived changes, and findings with and without positions: the shape every rendering must handle.
import { summarize, type Plan } from '../../src/model/plan.js';

export function syntheticPlan(): Plan {
  const plan: Plan = {
    formatVersion: 1,
    commit: { sha: '0123456789abcdef0123456789abcdef01234567', dirty: true },
    desiredDigest: 'sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    snapshotDigests: { contoso: 'sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc', northwind: 'sha256:nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn' },
    maxActionsPerTenant: 1000,
    batches: [],
    delegation: {
      groups: [{ tenant: 'contoso', split: true, members: [{ user: 'Bianca.P@contoso.com', batch: null }, { user: 'Lara.Newton@contoso.com', batch: 'Wave-1' }] }],
      splitPairs: [{ tenant: 'contoso', principal: { user: 'Lara.Newton@contoso.com', batch: 'Wave-1' }, delegate: { user: 'Bianca.P@contoso.com', batch: null }, rights: ['FullAccess', 'SendAs'] }],
      notMoved: [{ tenant: 'contoso', principal: { user: 'Lara.Newton@contoso.com', batch: 'Wave-1' }, delegate: 'svc-backup|pipe', rights: ['FullAccess'], reason: 'not a mailbox of the tenant (a group, a service account, or an entry Exchange could not resolve)' }],
      pending: [{ tenant: 'northwind', mailbox: 'Adele.V@northwindtraders.com', delegate: 'Diego.Siciliani@contoso.com', rights: ['SendOnBehalf'] }],
    },
    readiness: [
      { tenant: 'northwind', mailUser: 'LaraN', source: { tenant: 'contoso', mailbox: 'Lara.Newton@contoso.com' }, status: 'blocked', codes: ['NotInMigrationScope', 'SourceMailboxOnHold'], blockedActions: [] },
      { tenant: 'northwind', mailUser: 'Synced', source: { tenant: 'contoso', mailbox: 'Synced@contoso.com' }, status: 'blocked', codes: [], blockedActions: ['northwind/MailUser/Synced'] },
      { tenant: 'northwind', mailUser: 'PattiF', source: { tenant: 'contoso', mailbox: 'Patti.F@contoso.com' }, status: 'warning', codes: ['ScopeMemberMoved'], blockedActions: [] },
      { tenant: 'northwind', mailUser: 'AdeleV', source: { tenant: 'contoso', mailbox: 'Adele.V@contoso.com' }, status: 'ready', codes: [], blockedActions: [] },
    ],
    summary: { create: 0, update: 0, delete: 0, replace: 0, blocked: 0, destructive: 0 },
    tenants: [
      {
        tenant: 'northwind',
        organization: 'northwindtraders.onmicrosoft.com',
        connection: { accessTokenEnv: 'NORTHWIND_EXO_TOKEN' },
        role: 'target',
        actions: [
          { id: 'northwind/OrganizationConfig/northwindtraders.onmicrosoft.com#customize', tenant: 'northwind', kind: 'OrganizationConfig', identity: 'northwindtraders.onmicrosoft.com', action: 'update', changes: [{ field: 'IsDehydrated', before: true, after: false }], destructive: [], dependsOn: [], resourceKind: 'Tenant', source: { file: 'tenants.yaml', line: 15, column: 9 } },
          { id: 'northwind/MigrationEndpoint/Contoso-T2T', tenant: 'northwind', kind: 'MigrationEndpoint', identity: 'Contoso-T2T', action: 'replace', changes: [{ field: 'RemoteTenant', before: 'fabrikam.onmicrosoft.com', after: 'contoso.onmicrosoft.com' }, { field: 'Credentials', sensitive: true }], destructive: ['delete'], dependsOn: ['northwind/OrganizationConfig/northwindtraders.onmicrosoft.com#customize'], parameters: { secretEnv: 'NORTHWIND_MIGRATION_APP_SECRET' }, resourceKind: 'MigrationEndpoint', source: { file: 'northwind/migration.yaml', line: 3, column: 9 } },
          { id: 'northwind/MigrationEndpoint/Rotated', tenant: 'northwind', kind: 'MigrationEndpoint', identity: 'Rotated', action: 'update', changes: [{ field: 'Credentials', sensitive: true, derivedFrom: 'rotation "2026-10-01" → "2026-11-01"' }], destructive: [], dependsOn: [], parameters: { secretEnv: 'ROTATED_SECRET' } },
          { id: 'northwind/OrganizationRelationship/Contoso', tenant: 'northwind', kind: 'OrganizationRelationship', identity: 'Contoso', action: 'create', changes: [{ field: 'DomainNames', after: ['6c7b4d2e-3f1a-4e8b-9c5d-2a1b3c4d5e6f'] }, { field: 'Enabled', after: true }, { field: 'MailboxMoveCapability', after: 'Inbound' }], destructive: [], dependsOn: [] },
          { id: 'northwind/User/LaraN#clear-previous-mailbox', tenant: 'northwind', kind: 'User', identity: 'LaraN', action: 'blocked', reason: 'the mail user once had a mailbox: Set-User -PermanentlyClearPreviousMailboxInfo is needed and irreversible; set spec.permanentlyClearPreviousMailboxInfo: true to plan it', changes: [{ field: 'PreviousRecipientTypeDetails', before: 'UserMailbox', after: 'None' }], destructive: ['clear-previous-mailbox-info'], dependsOn: [] },
          { id: 'northwind/MailUser/LaraN', tenant: 'northwind', kind: 'MailUser', identity: 'LaraN', action: 'update', changes: [{ field: 'ExchangeGuid', before: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', after: '1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8', derivedFrom: 'contoso mailbox Lara.Newton@contoso.com' }, { field: 'EmailAddresses', add: ['X500:/o=First Organization/cn=Lara'], remove: ['smtp:old|pipe@northwindtraders.com'] }, { field: 'CustomAttribute1', before: '', after: "O'Brien ```fenced```" }, { field: 'OAuthApplicationId', before: null, after: undefined }], destructive: ['remove-address', 'change-guid'], dependsOn: ['northwind/User/LaraN#clear-previous-mailbox'] },
          { id: 'northwind/MailUser/DiegoS', tenant: 'northwind', kind: 'MailUser', identity: 'DiegoS', action: 'blocked', reason: 'the object is synchronized from your on-premises organization: make this change in on-premises AD', changes: [{ field: 'EmailAddresses', add: ['X500:/o=ExchangeLabs/cn=Diego'], derivedFrom: 'contoso mailbox Diego.Siciliani@contoso.com' }], destructive: [], dependsOn: [] },
          { id: 'northwind/MailUser/IsaiahL', tenant: 'northwind', kind: 'MailUser', identity: 'IsaiahL', action: 'create', changes: [{ field: 'Name', after: 'IsaiahL' }, { field: 'ExternalEmailAddress', after: 'SMTP:IsaiahL@contoso.onmicrosoft.com' }], destructive: [], dependsOn: [] },
          { id: 'northwind/Mailbox/Adele.V@northwindtraders.com#full-access', tenant: 'northwind', kind: 'Mailbox', identity: 'Adele.V@northwindtraders.com', step: 'full-access', action: 'update', changes: [{ field: 'FullAccess', add: ['Megan.Bowen@northwindtraders.com'], derivedFrom: 'the grants of contoso mailbox Adele.V@contoso.com' }], destructive: [], dependsOn: [], parameters: { noAutoMapping: ['Megan.Bowen@northwindtraders.com'] } },
          { id: 'northwind/OrganizationRelationship/Old Partner', tenant: 'northwind', kind: 'OrganizationRelationship', identity: 'Old Partner', action: 'delete', changes: [], destructive: ['delete'], dependsOn: [] },
        ],
      },
      {
        tenant: 'contoso',
        organization: 'contoso.onmicrosoft.com',
        connection: { accessTokenEnv: 'CONTOSO_EXO_TOKEN' },
        role: 'source',
        actions: [
          { id: 'contoso/DistributionGroup/T2T#add-members', tenant: 'contoso', kind: 'DistributionGroup', identity: 'T2T', action: 'update', changes: [{ field: 'Members', add: ['Isaiah.Langer@contoso.com'] }], destructive: [], dependsOn: [] },
          { id: 'contoso/Mailbox/Megan.Bowen@contoso.com#cloud-managed', tenant: 'contoso', kind: 'Mailbox', identity: 'Megan.Bowen@contoso.com', action: 'update', changes: [{ field: 'IsExchangeCloudManaged', before: false, after: true }], destructive: [], dependsOn: [] },
          { id: 'contoso/DistributionGroup/T2T#remove-members', tenant: 'contoso', kind: 'DistributionGroup', identity: 'T2T', action: 'blocked', reason: 'the object is synchronized from your on-premises organization: make this change in on-premises AD', changes: [{ field: 'Members', remove: ['Alex.Wilber@contoso.com'] }], destructive: ['remove-member'], dependsOn: [] },
          { id: 'contoso/MigrationEndpoint/Stale', tenant: 'contoso', kind: 'MigrationEndpoint', identity: 'Stale', action: 'delete', changes: [], destructive: ['delete'], dependsOn: [] },
        ],
      },
      { tenant: 'fabrikam', organization: 'fabrikam.onmicrosoft.com', connection: { accessTokenEnv: 'FABRIKAM_EXO_TOKEN' }, role: 'other', actions: [] },
    ],
    findings: [
      { code: 'ExchangeGuidMismatch', severity: 'error', message: 'exchangeGuid aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee is not the ExchangeGuid 1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8 of contoso mailbox Lara.Newton@contoso.com', hint: 'Remove exchangeGuid to take the source\'s.', location: { file: 'northwind/mailusers.yaml', line: 12, column: 17 }, tenant: 'northwind', kind: 'MailUser', object: 'LaraN' },
      { code: 'CloudManagementNoEffect', severity: 'warning', message: 'Patti.Fernandez@contoso.com is not directory-synced | a pipe', location: { file: 'contoso/migration.yaml', line: 37, column: 7 }, tenant: 'contoso', kind: 'CloudManagement', object: 'retire' },
      { code: 'LiveRelationshipPairMismatch', severity: 'error', message: 'after this plan northwind would have no relationship with capability Inbound for contoso', hint: 'Fix the side the plan does not manage.', tenant: 'northwind', kind: 'OrganizationRelationship', object: 'contoso' },
      { code: 'TooManyActions', severity: 'error', message: '1001 actions planned for contoso, above the limit of 1000', tenant: 'contoso' },
    ],
  };
  plan.summary = summarize(plan.tenants);
  return plan;
}
