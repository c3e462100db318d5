// What plan needs of a live snapshot, as JSON Schema: its validators are compiled ahead of time
// (src/schema/precompiled.ts: the whole snapshot, and each collection's entry on its own for a snapshot
// read line by line), so no plan compiles them or loads ajv. Checked by src/load/snapshot.ts.

import { SNAPSHOT_VERSION } from '../model/snapshot.js';

const str = { type: 'string' } as const;
const strOrNull = { type: ['string', 'null'] } as const;
const bool = { type: 'boolean' } as const;
const strList = { type: 'array', items: { type: 'string' } } as const;

const wholeBytes = { type: 'integer', minimum: 0 } as const;

/** An object with these required properties and, optionally, these others (absent in older snapshots). */
const entry = (required: Record<string, object>, optional: Record<string, object> = {}) => ({
  type: 'object',
  required: Object.keys(required),
  properties: { ...required, ...optional },
});

/**
 * What plan needs of each collection; further properties are allowed (real exports carry more). The
 * properties newer exports add (model/snapshot.ts) are optional, so older snapshots still load, and
 * typed where present.
 */
export const SNAPSHOT_SCHEMA = {
  type: 'object',
  required: ['snapshotVersion', 'tenant', 'OrganizationConfig', 'AcceptedDomain', 'OrganizationRelationship', 'MigrationEndpoint', 'DistributionGroup', 'MailUser', 'Mailbox'],
  properties: {
    snapshotVersion: { const: SNAPSHOT_VERSION },
    tenant: entry({ name: str, tenantId: str, organization: str }),
    exportedAt: str,
    OrganizationConfig: entry({ IsDehydrated: bool }, { InPlaceHolds: strList, ExchangeAttributesCloudManagedByDefault: bool }),
    AcceptedDomain: { type: 'array', items: entry({ DomainName: str, DomainType: str }) },
    OrganizationRelationship: {
      type: 'array',
      items: entry({ Name: str, DomainNames: strList, Enabled: bool, MailboxMoveEnabled: bool, MailboxMoveCapability: str, OAuthApplicationId: strOrNull, MailboxMovePublishedScopes: strList }),
    },
    MigrationEndpoint: {
      type: 'array',
      items: entry({
        Identity: str,
        EndpointType: str,
        RemoteServer: strOrNull,
        RemoteTenant: strOrNull,
        ApplicationId: strOrNull,
        // Exchange's Unlimited<int>: a number, or "Unlimited" as Exchange prints no limit.
        MaxConcurrentMigrations: { anyOf: [{ type: 'integer' }, { const: 'Unlimited' }, { type: 'null' }] },
      }),
    },
    DistributionGroup: {
      type: 'array',
      items: entry({ Name: str, PrimarySmtpAddress: str, RecipientTypeDetails: str, IsDirSynced: bool, Members: strList }),
    },
    MailUser: {
      type: 'array',
      items: entry(
        { Name: str, Alias: str, PrimarySmtpAddress: str, ExternalEmailAddress: strOrNull, ExchangeGuid: str, ArchiveGuid: str, LegacyExchangeDN: str, EmailAddresses: strList, IsDirSynced: bool, RecipientTypeDetails: str, PreviousRecipientTypeDetails: str },
        // RecoverableItemsQuota in bytes (the export converts Exchange's "30 GB (… bytes)"); null for Unlimited.
        { PersistedCapabilities: strList, RecoverableItemsQuotaBytes: { anyOf: [wholeBytes, { type: 'null' }] }, GrantSendOnBehalfTo: strList },
      ),
    },
    Mailbox: {
      type: 'array',
      items: entry(
        { Name: str, Alias: str, PrimarySmtpAddress: str, ExchangeGuid: str, ArchiveGuid: str, LegacyExchangeDN: str, EmailAddresses: strList, RecipientTypeDetails: str, IsDirSynced: bool, IsExchangeCloudManaged: bool, LitigationHoldEnabled: bool, InPlaceHolds: strList },
        { MailboxLocations: strList, PersistedCapabilities: strList, ArchiveStatus: str, DisabledArchiveGuid: str, DisplayName: str, UserPrincipalName: str, GrantSendOnBehalfTo: strList, RecoverableItemsQuotaBytes: { anyOf: [wholeBytes, { type: 'null' }] } },
      ),
    },
    MailboxStatistics: {
      type: 'array',
      items: entry({ MailboxGuid: str, TotalDeletedItemSizeBytes: wholeBytes }),
    },
    MigrationBatch: {
      type: 'array',
      items: entry({
        Identity: str,
        Status: str,
        SourceEndpoint: strOrNull,
        TargetDeliveryDomain: strOrNull,
        NotificationEmails: strList,
        CompleteAfterUTC: strOrNull,
        TotalCount: wholeBytes,
        ActiveCount: wholeBytes,
        SyncedCount: wholeBytes,
        FinalizedCount: wholeBytes,
        FailedCount: wholeBytes,
      }),
    },
    MigrationUser: {
      type: 'array',
      items: entry({ Identity: str, BatchId: str, Status: str, ErrorSummary: strOrNull }),
    },
    MailboxPermission: {
      type: 'array',
      items: entry({ MailboxGuid: str, Identity: str, User: str, AccessRights: strList, IsInherited: bool, Deny: bool }),
    },
    RecipientPermission: {
      type: 'array',
      items: entry({ Identity: str, Trustee: str, AccessRights: strList, IsInherited: bool, AccessControlType: str }),
    },
  },
} as const;

/** Each collection's entry schema, by collection name: a snapshot in lines is checked entry by entry. */
export function snapshotEntrySchemas(): Record<string, object> {
  return Object.fromEntries(Object.entries(SNAPSHOT_SCHEMA.properties).flatMap(([name, schema]) => ('items' in schema ? [[name, schema.items]] : [])));
}
