// Live state of one tenant, as `export` writes it to `<state>/<tenant>.json` and as the simulator keeps it.
// Property names are spelled as Exchange's Get-* cmdlets print them, so a snapshot reads like the tenant.
// Every value is plain JSON: GUIDs and enums as strings, multi-valued properties as arrays.

export const SNAPSHOT_VERSION = 1;

/** The all-zero GUID Exchange shows for "no archive" / "not stamped". */
export const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

/**
 * Exchange Online's RecoverableItemsQuota of a recipient nobody changed and no hold covers: 30 GB.
 * A hold raises a mailbox's to 100 GB ("Increase the Recoverable Items quota for mailboxes on hold",
 * https://go.microsoft.com/fwlink/p/?linkid=786479:
 * "automatically increased from 30 GB to 100 GB when a hold is placed on a mailbox in Exchange Online").
 */
export const DEFAULT_RECOVERABLE_ITEMS_QUOTA_BYTES = 30 * 2 ** 30;
/** The quota of a mailbox on hold (the same page). */
export const HOLD_RECOVERABLE_ITEMS_QUOTA_BYTES = 100 * 2 ** 30;

export interface SnapshotTenant {
  /** The Tenant resource's metadata.name in the repo. */
  name: string;
  /**
   * The live tenant's ID, read from Exchange (Get-OrganizationConfig's ExternalDirectoryOrganizationId),
   * never copied from the YAML: the plan compares it with the Tenant document's tenantId.
   */
  tenantId: string;
  /** The tenant's initial domain, e.g. contoso.onmicrosoft.com (Connect-ExchangeOnline -Organization). */
  organization: string;
}

export interface OrganizationConfigEntry {
  IsDehydrated: boolean;
  /** Organization-wide holds (Microsoft Purview retention policies for all mailboxes), as Exchange prints them. Absent in older snapshots. */
  InPlaceHolds?: string[];
  /**
   * The tenant default of Set-OrganizationConfig -ExchangeAttributesCloudManagedByDefault /
   * -ExchangeAttributesServerManagedByDefault: true when new synced mailboxes start cloud-managed.
   * Absent in older snapshots and where Exchange does not print it.
   */
  ExchangeAttributesCloudManagedByDefault?: boolean;
}

export interface AcceptedDomainEntry {
  DomainName: string;
  /** Authoritative | InternalRelay | ExternalRelay */
  DomainType: string;
}

export interface OrganizationRelationshipEntry {
  Name: string;
  DomainNames: string[];
  Enabled: boolean;
  MailboxMoveEnabled: boolean;
  /** Exchange prints the flags enum as "Inbound, RemoteOutbound"; "None" when empty. */
  MailboxMoveCapability: string;
  OAuthApplicationId: string | null;
  MailboxMovePublishedScopes: string[];
}

export interface MigrationEndpointEntry {
  Identity: string;
  EndpointType: string;
  RemoteServer: string | null;
  RemoteTenant: string | null;
  ApplicationId: string | null;
  /** A number, or "Unlimited" as Exchange prints an unlimited value; null when not set. */
  MaxConcurrentMigrations: number | 'Unlimited' | null;
}

export interface DistributionGroupEntry {
  Name: string;
  Alias?: string;
  PrimarySmtpAddress: string;
  /** MailUniversalSecurityGroup for a scope group; MailUniversalDistributionGroup otherwise. */
  RecipientTypeDetails: string;
  IsDirSynced: boolean;
  /** Primary SMTP addresses of the members. */
  Members: string[];
}

export interface MailUserEntry {
  Name: string;
  Alias: string;
  PrimarySmtpAddress: string;
  /** "SMTP:user@source.onmicrosoft.com" as Exchange prints a ProxyAddress. */
  ExternalEmailAddress: string | null;
  MicrosoftOnlineServicesID: string | null;
  ExchangeGuid: string;
  ArchiveGuid: string;
  LegacyExchangeDN: string;
  EmailAddresses: string[];
  IsDirSynced: boolean;
  RecipientTypeDetails: string;
  /** From Get-User: UserMailbox means the object once had a mailbox (see Set-User -PermanentlyClearPreviousMailboxInfo). */
  PreviousRecipientTypeDetails: string;
  /** Licensing capabilities as Exchange prints them (ExchangeT2TMbxMove: the cross-tenant migration license). Absent in older snapshots. */
  PersistedCapabilities?: string[];
  /** RecoverableItemsQuota in bytes; null when Unlimited. Absent in older snapshots. */
  RecoverableItemsQuotaBytes?: number | null;
  /**
   * Send on Behalf delegates (AD publicDelegates) as Exchange prints them. A moved mailbox's legacy
   * mail user in the source keeps them: what the target re-stamps after the move. Absent in older snapshots.
   */
  GrantSendOnBehalfTo?: string[];
  /** CustomAttribute1 … CustomAttribute15, "" when empty. */
  [customAttribute: `CustomAttribute${number}`]: string | undefined;
}

export interface MailboxEntry {
  Name: string;
  Alias: string;
  /** In Get-EXOMailbox's Minimum property set; absent in older snapshots. */
  DisplayName?: string;
  /** The user's sign-in name (in Get-EXOMailbox's Minimum property set); absent in older snapshots. */
  UserPrincipalName?: string;
  PrimarySmtpAddress: string;
  ExchangeGuid: string;
  ArchiveGuid: string;
  LegacyExchangeDN: string;
  EmailAddresses: string[];
  RecipientTypeDetails: string;
  IsDirSynced: boolean;
  IsExchangeCloudManaged: boolean;
  LitigationHoldEnabled: boolean;
  DelayHoldApplied?: boolean;
  DelayReleaseHoldApplied?: boolean;
  ComplianceTagHoldApplied?: boolean;
  InPlaceHolds: string[];
  GrantSendOnBehalfTo: string[];
  /** MailboxLocations as Exchange prints them ("1;<guid>;Primary;…"); auxiliary archives are the AuxArchive entries. Absent in older snapshots. */
  MailboxLocations?: string[];
  /** Licensing capabilities as Exchange prints them (ExchangeT2TMbxMove). Absent in older snapshots. */
  PersistedCapabilities?: string[];
  /** Active | None; absent in older snapshots. */
  ArchiveStatus?: string;
  /** The GUID of a disabled (demoted) archive; EMPTY_GUID when none. Absent in older snapshots. */
  DisabledArchiveGuid?: string;
  /**
   * RecoverableItemsQuota in bytes; null when Unlimited. Its deleted items cannot outgrow it, so the
   * export reads a linked mailbox's statistics only where it is above the 30 GB default (a hold raises
   * it to 100 GB). Absent in older snapshots.
   */
  RecoverableItemsQuotaBytes?: number | null;
  [customAttribute: `CustomAttribute${number}`]: string | undefined;
}

/**
 * A migration batch as Get-MigrationBatch prints it (the target tenant's batches, all of them: one
 * bulk read). Status is Exchange's MigrationBatchStatus (Created, Syncing, Synced, SyncedWithErrors,
 * Completing, Completed, CompletedWithErrors, Stopped, Failed, …); CompleteAfterUTC is ISO 8601 UTC
 * ("2026-12-15T22:00:00Z") or null.
 */
export interface MigrationBatchEntry {
  Identity: string;
  Status: string;
  SourceEndpoint: string | null;
  TargetDeliveryDomain: string | null;
  NotificationEmails: string[];
  CompleteAfterUTC: string | null;
  TotalCount: number;
  ActiveCount: number;
  SyncedCount: number;
  FinalizedCount: number;
  FailedCount: number;
}

/**
 * A migration user as Get-MigrationUser prints it: Identity is the address the batch's CSV named (the
 * target mail user's), BatchId the batch's name, Status Exchange's MigrationUserStatus (Queued,
 * Syncing, Synced, Completing, Completed, Failed, …), ErrorSummary Exchange's error when it failed.
 */
export interface MigrationUserEntry {
  Identity: string;
  BatchId: string;
  Status: string;
  ErrorSummary: string | null;
}

/**
 * One explicit FullAccess grant on a mailbox, as Get-EXOMailboxPermission (a mailbox) or
 * Get-MailboxPermission (a moved mailbox's legacy mail user) prints it: read only for the users of
 * declared batches in the source, and for the moved and declared mailboxes of the target. Inherited
 * and Deny entries are left out by the export. A mailbox's NT AUTHORITY\SELF entry (Exchange gives
 * every mailbox one) is kept: it says the mailbox was read, and is never taken for a delegate.
 */
export interface MailboxPermissionEntry {
  /** The ExchangeGuid of the mailbox the export asked about (Exchange's Identity is its display name). */
  MailboxGuid: string;
  Identity: string;
  /** The trustee as Exchange prints it: a user's UserPrincipalName, a group's name, an unresolved SID. */
  User: string;
  AccessRights: string[];
  IsInherited: boolean;
  Deny: boolean;
}

/**
 * One explicit Send As grant, as Get-EXORecipientPermission -AccessRights SendAs prints it (one bulk
 * read of the whole tenant): Identity is the recipient sent as, Trustee who may send as it (a
 * UserPrincipalName or a group's name). NT AUTHORITY\SELF, inherited and Deny entries are left out.
 */
export interface RecipientPermissionEntry {
  Identity: string;
  Trustee: string;
  AccessRights: string[];
  IsInherited: boolean;
  /** Allow | Deny */
  AccessControlType: string;
}

/** Get-MailboxStatistics of a source mailbox the repository links to a target MEU (read only for those). */
export interface MailboxStatisticsEntry {
  MailboxGuid: string;
  TotalDeletedItemSizeBytes: number;
}

export interface Snapshot {
  snapshotVersion: typeof SNAPSHOT_VERSION;
  tenant: SnapshotTenant;
  /** ISO 8601 UTC. */
  exportedAt: string;
  OrganizationConfig: OrganizationConfigEntry;
  AcceptedDomain: AcceptedDomainEntry[];
  OrganizationRelationship: OrganizationRelationshipEntry[];
  MigrationEndpoint: MigrationEndpointEntry[];
  DistributionGroup: DistributionGroupEntry[];
  MailUser: MailUserEntry[];
  Mailbox: MailboxEntry[];
  /** Only for mailboxes linked to a target MEU; absent in older snapshots. */
  MailboxStatistics?: MailboxStatisticsEntry[];
  /** Every migration batch of the tenant; absent in older snapshots. */
  MigrationBatch?: MigrationBatchEntry[];
  /** Every migration user of the tenant's batches; absent in older snapshots. */
  MigrationUser?: MigrationUserEntry[];
  /** FullAccess grants of batch users' mailboxes (source) and of moved or declared mailboxes (target); absent when not read. */
  MailboxPermission?: MailboxPermissionEntry[];
  /** Send As grants touching those mailboxes; absent when not read. */
  RecipientPermission?: RecipientPermissionEntry[];
}

/**
 * The digest export computed for a snapshot, kept with the object read from its file when the file's
 * bytes are the ones export wrote (load/snapshot-file.ts checks them): plan/digest.ts then need not
 * derive it again. Snapshots are never changed after they are read, so the digest stays true.
 */
const exportDigests = new WeakMap<object, string>();

export function recordExportDigest(snapshot: Snapshot, digest: string): void {
  exportDigests.set(snapshot, digest);
}

export function exportDigestOf(snapshot: Snapshot): string | undefined {
  return exportDigests.get(snapshot);
}

/**
 * The entries of a snapshot read from lines whose text could hold a control character (a backslash
 * escape or a DEL byte in the line: load/snapshot-file.ts), by collection. Only these need their
 * strings searched (plan/live-values.ts); a snapshot without a record has every entry searched.
 */
export type ControlSuspects = ReadonlyArray<{ collection: string; entry: unknown }>;
const controlSuspects = new WeakMap<object, ControlSuspects>();

export function recordControlSuspects(snapshot: Snapshot, suspects: ControlSuspects): void {
  controlSuspects.set(snapshot, suspects);
}

export function controlSuspectsOf(snapshot: Snapshot): ControlSuspects | undefined {
  return controlSuspects.get(snapshot);
}
