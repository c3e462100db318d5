// Two tenants ready for a cross-tenant move, for the migration batch tests: Contoso (the source)
// publishes the scope group T2T-Scope to Northwind (the target) through a RemoteOutbound
// relationship; Northwind has the endpoint Contoso-T2T and a prepared mail user for each mailbox
// (ExchangeGuid and X500 of its source mailbox). Which user fails which check, by design:
//   lara   direct member of the scope: moves
//   john   member through the nested security group Nested-Scope: moves
//   megan  in a distribution group inside the scope (not a security group): not in scope
//   pat    in scope, but its mail user lacks the X500 of pat's LegacyExchangeDN
//   nog    a mail user with no ExchangeGuid
//   stray  a mail user whose ExchangeGuid no Contoso mailbox has
import type { Resource } from '../../src/model/desired.js';
import type { Action, TenantPlan } from '../../src/model/plan.js';
import type { MailboxEntry, Snapshot } from '../../src/model/snapshot.js';
import { contoso, mailbox, mailUser, northwind } from './helpers.js';

export const GUIDS = {
  lara: '4e3188c6-39f5-4387-adc7-b355b6b852c8',
  john: '0a1b2c3d-0000-4000-8000-000000000001',
  megan: '0a1b2c3d-0000-4000-8000-000000000002',
  pat: '0a1b2c3d-0000-4000-8000-000000000003',
  stray: '0a1b2c3d-0000-4000-8000-0000000000ff',
} as const;

export const TARGET_DOMAIN = 'northwindtraders.com';
export const DELIVERY_DOMAIN = 'northwindtraders.onmicrosoft.com';

const legacyDN = (alias: string) => `/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=0123456789abcdef-${alias}`;

function sourceMailbox(alias: keyof typeof GUIDS, extra: Partial<MailboxEntry> = {}): MailboxEntry {
  return mailbox(alias, 'contoso.com', { ExchangeGuid: GUIDS[alias], DisplayName: `${alias[0]!.toUpperCase()}${alias.slice(1)} Contoso`, UserPrincipalName: `${alias}@contoso.com`, CustomAttribute1: `ca1-${alias}`, ...extra });
}

function targetMailUser(alias: string, guid: string, x500 = true) {
  return mailUser(alias, TARGET_DOMAIN, {
    ExchangeGuid: guid,
    ExternalEmailAddress: `SMTP:${alias}@contoso.onmicrosoft.com`,
    EmailAddresses: [`SMTP:${alias}@${TARGET_DOMAIN}`, `smtp:${alias}@${DELIVERY_DOMAIN}`, ...(x500 ? [`X500:${legacyDN(alias)}`] : [])],
    CustomAttribute1: `ca1-${alias}`,
    ...({ DisplayName: `${alias[0]!.toUpperCase()}${alias.slice(1)} Northwind` } as object),
  });
}

export function sourceTenant(extra: Partial<Snapshot> = {}): Snapshot {
  const base = contoso();
  return {
    ...base,
    OrganizationRelationship: [
      {
        Name: 'Northwind Traders',
        DomainNames: [northwind().tenant.tenantId],
        Enabled: true,
        MailboxMoveEnabled: true,
        MailboxMoveCapability: 'RemoteOutbound',
        OAuthApplicationId: '8b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
        MailboxMovePublishedScopes: ['T2T-Scope'],
      },
    ],
    DistributionGroup: [
      { Name: 'T2T-Scope', Alias: 'T2T-Scope', PrimarySmtpAddress: 't2t-scope@contoso.com', RecipientTypeDetails: 'MailUniversalSecurityGroup', IsDirSynced: false, Members: ['lara@contoso.com', 'nested-scope@contoso.com', 'staff@contoso.com', 'pat@contoso.com'] },
      { Name: 'Nested-Scope', Alias: 'Nested-Scope', PrimarySmtpAddress: 'nested-scope@contoso.com', RecipientTypeDetails: 'MailUniversalSecurityGroup', IsDirSynced: false, Members: ['john@contoso.com'] },
      { Name: 'Staff', Alias: 'Staff', PrimarySmtpAddress: 'staff@contoso.com', RecipientTypeDetails: 'MailUniversalDistributionGroup', IsDirSynced: false, Members: ['megan@contoso.com'] },
    ],
    Mailbox: [
      sourceMailbox('lara', { EmailAddresses: ['SMTP:lara@contoso.com', 'smtp:LaraN@contoso.onmicrosoft.com'] }),
      sourceMailbox('john'),
      sourceMailbox('megan'),
      sourceMailbox('pat'),
    ],
    ...extra,
  };
}

export function targetTenant(extra: Partial<Snapshot> = {}): Snapshot {
  return northwind({
    MigrationEndpoint: [
      { Identity: 'Contoso-T2T', EndpointType: 'ExchangeRemoteMove', RemoteServer: 'outlook.office.com', RemoteTenant: 'contoso.onmicrosoft.com', ApplicationId: '8b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', MaxConcurrentMigrations: 20 },
    ],
    MailUser: [
      targetMailUser('lara', GUIDS.lara),
      targetMailUser('john', GUIDS.john),
      targetMailUser('megan', GUIDS.megan),
      targetMailUser('pat', GUIDS.pat, false),
      targetMailUser('nog', '00000000-0000-0000-0000-000000000000'),
      targetMailUser('stray', GUIDS.stray),
    ],
    ...extra,
  });
}

export const address = (alias: string) => `${alias}@${TARGET_DOMAIN}`;

/** The target tenant's document, as the export script takes it. */
export const NORTHWIND_RESOURCE = {
  kind: 'Tenant',
  name: 'northwind',
  spec: { tenantId: '22222222-2222-2222-2222-222222222222', organization: 'northwindtraders.onmicrosoft.com', connection: { appId: 'app', certificateThumbprint: 'AB12' } },
} as unknown as Resource<'Tenant'>;

export const NORTHWIND_PLAN: Omit<TenantPlan, 'actions'> = {
  tenant: 'northwind',
  role: 'target',
  organization: 'northwindtraders.onmicrosoft.com',
  connection: { appId: 'app', certificateThumbprint: 'AB12' },
} as Omit<TenantPlan, 'actions'>;

const batchAction = (identity: string, action: Action['action'], changes: Action['changes'], step?: Action['step']): Action =>
  ({
    id: `northwind/MigrationBatch/${identity}${step ? `#${step}` : ''}`,
    tenant: 'northwind',
    kind: 'MigrationBatch',
    identity,
    action,
    changes,
    destructive: [],
    dependsOn: [],
    ...(step ? { step } : {}),
  }) as Action;

/** The batch actions as the plan makes them, for renderApplyScript. */
export const batchActions = {
  create: (identity: string, users: string[], options: { autoStart?: boolean; completeAfter?: string; notificationEmails?: string[]; endpoint?: string } = {}): Action =>
    batchAction(identity, 'create', [
      { field: 'SourceEndpoint', after: options.endpoint ?? 'Contoso-T2T' },
      { field: 'TargetDeliveryDomain', after: DELIVERY_DOMAIN },
      { field: 'Users', add: users },
      ...(options.autoStart === false ? [] : [{ field: 'AutoStart', after: true }]),
      ...(options.completeAfter ? [{ field: 'CompleteAfter', after: options.completeAfter }] : []),
      ...(options.notificationEmails ? [{ field: 'NotificationEmails', after: options.notificationEmails }] : []),
    ]),
  update: (identity: string, changes: { completeAfter?: string; notificationEmails?: string[] }): Action =>
    batchAction(identity, 'update', [
      ...(changes.completeAfter ? [{ field: 'CompleteAfter', before: null, after: changes.completeAfter }] : []),
      ...(changes.notificationEmails ? [{ field: 'NotificationEmails', before: [], after: changes.notificationEmails }] : []),
    ]),
  addUsers: (identity: string, users: string[]): Action => batchAction(identity, 'update', [{ field: 'Users', add: users }], 'add-users'),
  start: (identity: string): Action => batchAction(identity, 'update', [{ field: 'Status', before: 'Stopped', after: 'Syncing' }], 'start'),
  complete: (identity: string): Action => batchAction(identity, 'update', [{ field: 'Status', before: 'Synced', after: 'Completing' }], 'complete'),
  remove: (identity: string): Action => batchAction(identity, 'delete', []),
};
