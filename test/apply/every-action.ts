// A plan with one action of every kind and type, with values that try to escape their quoting.
import type { Action, Plan, TenantPlan } from '../../src/model/plan.js';

export const HOSTILE = "O'Brien ‘q’ ‚x‛ $(Remove-Item C:\\) `whoami` ; | & \"dq\" \n second line 😀";

const base = (id: string, kind: Action['kind'], identity: string, action: Action['action'], changes: Action['changes'], extra: Partial<Action> = {}): Action => ({
  id,
  tenant: 'northwind',
  kind,
  identity,
  action,
  changes,
  destructive: [],
  dependsOn: [],
  ...extra,
});

export const EVERY_ACTION: Action[] = [
  base('northwind/OrganizationConfig/northwind.onmicrosoft.com#customize', 'OrganizationConfig', 'northwind.onmicrosoft.com', 'update', [{ field: 'IsDehydrated', before: true, after: false }]),
  base('northwind/OrganizationConfig/northwind.onmicrosoft.com#cloud-managed-default', 'OrganizationConfig', 'northwind.onmicrosoft.com', 'update', [{ field: 'ExchangeAttributesCloudManagedByDefault', before: false, after: true }], { step: 'cloud-managed-default' }),
  base('northwind/DistributionGroup/Scope', 'DistributionGroup', `Scope ${HOSTILE}`, 'create', [{ field: 'Type', after: 'Security' }]),
  base('northwind/DistributionGroup/Scope#add-members', 'DistributionGroup', 'Scope', 'update', [{ field: 'Members', add: ["a'b@contoso.com", 'c@contoso.com'] }]),
  base('northwind/DistributionGroup/Scope#remove-members', 'DistributionGroup', 'Scope', 'update', [{ field: 'Members', remove: ['gone@contoso.com'] }], { destructive: ['remove-member'] }),
  base('northwind/MigrationEndpoint/New', 'MigrationEndpoint', 'New', 'create', [
    { field: 'RemoteServer', after: 'outlook.office.com' },
    { field: 'RemoteTenant', after: 'contoso.onmicrosoft.com' },
    { field: 'ApplicationId', after: '8b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' },
    { field: 'MaxConcurrentMigrations', after: 20 },
    { field: 'Credentials', sensitive: true },
  ], { parameters: { secretEnv: 'NORTHWIND_SECRET' } }),
  base('northwind/MigrationEndpoint/Rotate', 'MigrationEndpoint', 'Rotate', 'update', [{ field: 'MaxConcurrentMigrations', before: 10, after: 30 }, { field: 'Credentials', sensitive: true }], { parameters: { secretEnv: 'NORTHWIND_SECRET', applicationId: '8b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' } }),
  base('northwind/MigrationEndpoint/Moved', 'MigrationEndpoint', 'Moved', 'replace', [
    { field: 'RemoteTenant', before: 'old.onmicrosoft.com', after: 'contoso.onmicrosoft.com' },
    { field: 'RemoteServer', before: 'outlook.office.com', after: 'outlook.office.com' },
    { field: 'ApplicationId', before: '8b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', after: '8b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' },
    { field: 'Credentials', sensitive: true },
  ], { destructive: ['delete'], parameters: { secretEnv: 'NORTHWIND_SECRET' } }),
  base('northwind/MigrationEndpoint/Old', 'MigrationEndpoint', 'Old', 'delete', [], { destructive: ['delete'] }),
  base('northwind/OrganizationRelationship/Contoso', 'OrganizationRelationship', 'Contoso', 'create', [
    { field: 'DomainNames', after: ['6c7b4d2e-3f1a-4e8b-9c5d-2a1b3c4d5e6f'] },
    { field: 'Enabled', after: true },
    { field: 'MailboxMoveEnabled', after: true },
    { field: 'MailboxMoveCapability', after: 'Inbound, RemoteOutbound' },
    { field: 'OAuthApplicationId', after: '8b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' },
    { field: 'MailboxMovePublishedScopes', after: ['Scope'] },
  ]),
  base('northwind/OrganizationRelationship/Other', 'OrganizationRelationship', 'Other', 'update', [{ field: 'Enabled', before: true, after: false }]),
  base('northwind/OrganizationRelationship/Gone', 'OrganizationRelationship', 'Gone', 'delete', [], { destructive: ['delete'] }),
  base('northwind/Mailbox/a@x.com#cloud-managed', 'Mailbox', 'a@x.com', 'update', [{ field: 'IsExchangeCloudManaged', before: false, after: true }]),
  base('northwind/User/LaraN#clear-previous-mailbox', 'User', 'LaraN', 'update', [{ field: 'PreviousRecipientTypeDetails', before: 'UserMailbox', after: 'None' }], { destructive: ['clear-previous-mailbox-info'] }),
  base('northwind/MailUser/NewUser', 'MailUser', 'NewUser', 'create', [
    { field: 'Name', after: 'NewUser' },
    { field: 'Alias', after: 'NewUser' },
    { field: 'DisplayName', after: HOSTILE },
    { field: 'ExternalEmailAddress', after: 'SMTP:NewUser@contoso.onmicrosoft.com' },
    { field: 'MicrosoftOnlineServicesID', after: 'NewUser@northwindtraders.onmicrosoft.com' },
    { field: 'PrimarySmtpAddress', after: 'New.User@northwindtraders.com' },
    { field: 'ExchangeGuid', after: '1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8' },
    { field: 'ArchiveGuid', after: '5d2e7c41-93a8-4f0e-b6c2-7a19e4d3f820' },
    { field: 'EmailAddresses', add: ['X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=abc-New'], derivedFrom: 'contoso mailbox' },
    { field: 'CustomAttribute1', after: HOSTILE },
    { field: 'CustomAttribute15', after: '' },
  ]),
  base('northwind/MailUser/LaraN', 'MailUser', 'LaraN', 'update', [
    { field: 'ExternalEmailAddress', before: 'SMTP:x@y.com', after: 'SMTP:LaraN@contoso.onmicrosoft.com' },
    { field: 'PrimarySmtpAddress', before: 'a@northwindtraders.com', after: 'Lara.Newton@northwindtraders.com' },
    { field: 'ExchangeGuid', before: '00000000-0000-0000-0000-000000000000', after: '1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8' },
    { field: 'EmailAddresses', add: ["smtp:o'brien@northwindtraders.com"], remove: ['smtp:LaraN@contoso.com'] },
    { field: 'EmailAddresses', add: ['X500:/o=First Organization/cn=Recipients/cn=d11-Lara'], derivedFrom: 'contoso mailbox' },
    { field: 'CustomAttribute1', before: '', after: 'Cross-Tenant-Project' },
  ], { destructive: ['remove-address'], dependsOn: ['northwind/User/LaraN#clear-previous-mailbox'] }),
  base('northwind/Mailbox/moved@northwindtraders.com', 'Mailbox', 'moved@northwindtraders.com', 'update', [
    { field: 'EmailAddresses', add: ['smtp:alias@northwindtraders.com'] },
    { field: 'CustomAttribute3', before: 'a', after: 'b' },
  ]),
  // A moved mailbox's delegates, re-stamped (plan/delegation.ts): each added to what is there.
  base('northwind/Mailbox/Nestor.Wilke@northwindtraders.com#send-on-behalf', 'Mailbox', 'Nestor.Wilke@northwindtraders.com', 'update', [
    { field: 'GrantSendOnBehalfTo', add: ['Lara.Newton@northwindtraders.com', 'Bianca.Pisani@northwindtraders.com'], derivedFrom: 'the grants of contoso mailbox Nestor.Wilke@contoso.com' },
  ], { step: 'send-on-behalf' }),
  base('northwind/Mailbox/Nestor.Wilke@northwindtraders.com#send-as', 'Mailbox', 'Nestor.Wilke@northwindtraders.com', 'update', [{ field: 'SendAs', add: ['Lara.Newton@northwindtraders.com'] }], { step: 'send-as' }),
  base('northwind/Mailbox/Nestor.Wilke@northwindtraders.com#full-access', 'Mailbox', 'Nestor.Wilke@northwindtraders.com', 'update', [
    { field: 'FullAccess', add: ['Lara.Newton@northwindtraders.com', 'Megan.Bowen@northwindtraders.com'] },
  ], { step: 'full-access', parameters: { noAutoMapping: ['Megan.Bowen@northwindtraders.com'] } }),
  base('northwind/MailUser/Synced', 'MailUser', 'Synced', 'blocked', [{ field: 'CustomAttribute1', before: '', after: 'x' }], { reason: 'make this change in on-premises AD' }),
  // Migration batches: the CSV carries addresses that need RFC 4180 quoting (a comma, a double quote).
  base('northwind/MigrationBatch/Wave-X', 'MigrationBatch', 'Wave-X', 'create', [
    { field: 'SourceEndpoint', after: 'New' },
    { field: 'TargetDeliveryDomain', after: 'northwindtraders.onmicrosoft.com' },
    { field: 'Users', add: ["a'b@contoso.com", '"x,y"@contoso.com', 'c@contoso.com'] },
    { field: 'CompleteAfter', after: '2026-12-15T22:00:00Z' },
    { field: 'NotificationEmails', after: ["o'brien@northwindtraders.com"] },
  ]),
  base('northwind/MigrationBatch/Wave-1', 'MigrationBatch', 'Wave-1', 'update', [
    { field: 'CompleteAfter', before: '2026-12-15T22:00:00Z', after: '2027-01-02T03:04:05Z' },
    { field: 'NotificationEmails', before: [], after: ['ops@northwindtraders.com', 'm@northwindtraders.com'] },
  ]),
  base('northwind/MigrationBatch/Wave-1#add-users', 'MigrationBatch', 'Wave-1', 'update', [{ field: 'Users', add: ['d@contoso.com'] }], { step: 'add-users' }),
  base('northwind/MigrationBatch/Wave-1#start', 'MigrationBatch', 'Wave-1', 'update', [{ field: 'Status', before: 'Stopped', after: 'Syncing' }], { step: 'start' }),
  base('northwind/MigrationBatch/Wave-1#complete', 'MigrationBatch', 'Wave-1', 'update', [{ field: 'Status', before: 'Synced', after: 'Completing' }], { step: 'complete' }),
  base('northwind/MigrationBatch/Wave-0', 'MigrationBatch', 'Wave-0', 'delete', [], { destructive: ['delete'] }),
];

export const EVERY_ACTION_TENANT: TenantPlan = {
  tenant: 'northwind',
  organization: 'northwindtraders.onmicrosoft.com',
  connection: { accessTokenEnv: 'NORTHWIND_TOKEN' },
  role: 'target',
  actions: EVERY_ACTION,
};

export function planOf(tenants: TenantPlan[]): Plan {
  return {
    formatVersion: 1,
    commit: null,
    desiredDigest: 'sha256:test',
    snapshotDigests: {},
    tenants,
    findings: [],
    summary: { create: 0, update: 0, delete: 0, replace: 0, blocked: 0, destructive: 0 },
    maxActionsPerTenant: 0,
    readiness: [],
    batches: [],
  };
}
