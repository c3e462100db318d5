// The property sets of the Get-EXO* cmdlets the simulator implements, as Microsoft documents them:
// "Property sets in Exchange Online PowerShell module cmdlets",
// https://learn.microsoft.com/powershell/exchange/cmdlet-property-sets (Get-EXOMailbox property sets,
// Get-EXOMailboxStatistics property sets). With -PropertySets or -Properties a Get-EXO* cmdlet returns
// the properties asked for and always those of the Minimum set; without them, the Minimum set only
// ("Properties and property sets in the Exchange Online PowerShell module",
// https://learn.microsoft.com/powershell/exchange/exchange-online-powershell-v2#properties-and-property-sets-in-the-exchange-online-powershell-module).

const CUSTOM_ATTRIBUTES = Array.from({ length: 15 }, (_, i) => `CustomAttribute${i + 1}`);
const EXTENSION_ATTRIBUTES = Array.from({ length: 5 }, (_, i) => `ExtensionCustomAttribute${i + 1}`);

/** Get-EXOMailbox -PropertySets values (the reference's valid values, All aside) and their properties. */
export const EXO_MAILBOX_PROPERTY_SETS: Readonly<Record<string, readonly string[]>> = {
  Minimum: ['Alias', 'DisplayName', 'DistinguishedName', 'EmailAddresses', 'ExchangeVersion', 'ExternalDirectoryObjectId', 'Guid', 'Id', 'Name', 'OrganizationId', 'PrimarySmtpAddress', 'RecipientType', 'RecipientTypeDetails', 'UserPrincipalName'],
  AddressList: ['AddressBookPolicy', 'AddressListMembership', 'ExternalDirectoryObjectId', 'GeneratedOfflineAddressBooks', 'HiddenFromAddressListsEnabled', 'OfflineAddressBook'],
  Archive: ['ArchiveDatabase', 'ArchiveDomain', 'ArchiveGuid', 'ArchiveName', 'ArchiveQuota', 'ArchiveRelease', 'ArchiveState', 'ArchiveStatus', 'ArchiveWarningQuota', 'AutoExpandingArchiveEnabled', 'DisabledArchiveDatabase', 'DisabledArchiveGuid', 'ExternalDirectoryObjectId', 'JournalArchiveAddress'],
  Audit: ['AuditAdmin', 'AuditDelegate', 'AuditEnabled', 'AuditLogAgeLimit', 'AuditOwner', 'DefaultAuditSet', 'ExternalDirectoryObjectId'],
  Custom: [...CUSTOM_ATTRIBUTES, ...EXTENSION_ATTRIBUTES, 'ExternalDirectoryObjectId'],
  Delivery: [
    'AcceptMessagesOnlyFrom', 'AcceptMessagesOnlyFromDLMembers', 'AcceptMessagesOnlyFromSendersOrMembers', 'DeliverToMailboxAndForward', 'DowngradeHighPriorityMessagesEnabled', 'ExternalDirectoryObjectId',
    'ForwardingAddress', 'ForwardingSmtpAddress', 'GrantSendOnBehalfTo', 'MaxBlockedSenders', 'MaxReceiveSize', 'MaxSafeSenders', 'MaxSendSize', 'MessageCopyForSendOnBehalfEnabled', 'MessageCopyForSentAsEnabled',
    'MessageRecallProcessingEnabled', 'MessageTrackingReadStatusEnabled', 'RecipientLimits', 'RejectMessagesFrom', 'RejectMessagesFromDLMembers', 'RejectMessagesFromSendersOrMembers', 'RulesQuota',
  ],
  Hold: ['ComplianceTagHoldApplied', 'DelayHoldApplied', 'ExternalDirectoryObjectId', 'InPlaceHolds', 'InactiveMailboxRetireTime', 'LitigationHoldDate', 'LitigationHoldDuration', 'LitigationHoldEnabled', 'LitigationHoldOwner'],
  Moderation: ['BypassModerationFromSendersOrMembers', 'ExternalDirectoryObjectId', 'ModeratedBy', 'ModerationEnabled', 'SendModerationNotifications'],
  Move: ['ExternalDirectoryObjectId', 'MailboxMoveBatchName', 'MailboxMoveFlags', 'MailboxMoveRemoteHostName', 'MailboxMoveSourceMDB', 'MailboxMoveStatus', 'MailboxMoveTargetMDB'],
  Policy: ['AddressBookPolicy', 'DataEncryptionPolicy', 'EmailAddressPolicyEnabled', 'ExternalDirectoryObjectId', 'ManagedFolderMailboxPolicy', 'PoliciesExcluded', 'PoliciesIncluded', 'RemoteAccountPolicy', 'RetentionPolicy', 'RetentionUrl', 'RoleAssignmentPolicy', 'SharingPolicy', 'ThrottlingPolicy'],
  PublicFolder: ['DefaultPublicFolderMailbox', 'EffectivePublicFolderMailbox', 'ExternalDirectoryObjectId', 'IsExcludedFromServingHierarchy', 'IsHierarchyReady', 'IsHierarchySyncEnabled', 'IsRootPublicFolderMailbox'],
  Quota: ['ArchiveQuota', 'ArchiveWarningQuota', 'CalendarLoggingQuota', 'ExternalDirectoryObjectId', 'IssueWarningQuota', 'ProhibitSendQuota', 'ProhibitSendReceiveQuota', 'RecoverableItemsQuota', 'RecoverableItemsWarningQuota', 'RulesQuota', 'UseDatabaseQuotaDefaults'],
  Resource: ['ExternalDirectoryObjectId', 'IsResource', 'ResourceCapacity', 'ResourceCustom', 'ResourceType', 'RoomMailboxAccountEnabled'],
  Retention: ['EndDateForRetentionHold', 'ExternalDirectoryObjectId', 'OrphanSoftDeleteTrackingTime', 'RetainDeletedItemsFor', 'RetainDeletedItemsUntilBackup', 'RetentionComment', 'RetentionHoldEnabled', 'RetentionPolicy', 'RetentionUrl', 'SingleItemRecoveryEnabled', 'StartDateForRetentionHold', 'UseDatabaseRetentionDefaults'],
  SCL: ['AntispamBypassEnabled', 'ExternalDirectoryObjectId', 'SCLDeleteEnabled', 'SCLDeleteThreshold', 'SCLJunkEnabled', 'SCLJunkThreshold', 'SCLQuarantineEnabled', 'SCLQuarantineThreshold', 'SCLRejectEnabled', 'SCLRejectThreshold'],
  SoftDelete: ['ExternalDirectoryObjectId', 'IncludeInGarbageCollection', 'IsInactiveMailbox', 'IsSoftDeletedByDisable', 'IsSoftDeletedByRemove', 'WhenSoftDeleted'],
  StatisticsSeed: ['ArchiveDatabaseGuid', 'DatabaseGuid', 'ExchangeGuid', 'ExternalDirectoryObjectId'],
};

/** Get-EXOMailboxStatistics -PropertySets Minimum (its default); All adds every statistic the state holds. */
export const EXO_MAILBOX_STATISTICS_MINIMUM: readonly string[] = ['DeletedItemCount', 'DisplayName', 'ItemCount', 'MailboxGuid', 'TotalDeletedItemSize', 'TotalItemSize'];

/**
 * The property names a Get-EXO* call returns: the Minimum set, the sets asked for, then the named
 * properties, each once (case-insensitive), in that order; null for All (every property there is).
 */
export function requestedProperties(sets: Readonly<Record<string, readonly string[]>>, propertySets: readonly string[], properties: readonly string[]): string[] | null {
  if (propertySets.some((set) => set.toLowerCase() === 'all')) return null;
  const names = new Map<string, string>();
  const add = (name: string) => {
    if (!names.has(name.toLowerCase())) names.set(name.toLowerCase(), name);
  };
  for (const name of sets['Minimum'] ?? []) add(name);
  for (const set of propertySets) for (const name of sets[set] ?? []) add(name);
  for (const name of properties) add(name);
  return [...names.values()];
}
