// A finding is what validation (and later the cross-tenant preflight) says about desired or live state.
// Codes are a closed union so tests, JSON consumers and docs can rely on them; each code has one
// severity and one hint, kept here so every message about the same mistake reads the same.

export const SEVERITIES = ['error', 'warning'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A place in a file of the repository: 1-based line and column, as editors count them. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export interface Finding {
  code: FindingCode;
  severity: Severity;
  message: string;
  hint?: string;
  /** Where in the repository the finding points, when it comes from a file. */
  location?: SourceLocation;
  /** Which tenant and object it concerns, when known. */
  tenant?: string;
  kind?: string;
  object?: string;
}

interface CodeInfo {
  severity: Severity;
  hint?: string;
}

export const FINDING_CODES = {
  // Reading files
  FileUnreadable: { severity: 'error' },
  FileTooLarge: {
    severity: 'error',
    hint: 'A YAML file may hold at most 16 MiB (spread the resources over several files) and a membersFile 64 MiB (split the members over several scope groups).',
  },
  BinaryFile: { severity: 'error', hint: 'Only UTF-8 text YAML files belong under the config directory.' },
  EmptyFile: { severity: 'warning', hint: 'Remove the file, or add resources to it.' },
  NoDocuments: {
    severity: 'error',
    hint: 'Every exo-gitops document starts with apiVersion: exo.gitops/v1alpha1 and a kind; YAML files without one are skipped. Check --dir, and include and exclude in exo-gitops.yaml.',
  },
  InvalidSettings: {
    severity: 'error',
    hint: 'The settings file (exo-gitops.yaml at the root of the config directory) takes include and exclude: lists of globs relative to the config directory, such as docs/** or "**/compose*.yml".',
  },
  YamlSyntax: { severity: 'error' },
  YamlAliasLimit: {
    severity: 'error',
    hint: 'Write the values out instead of expanding anchors and aliases this many times.',
  },
  YamlAliasCycle: { severity: 'error', hint: 'An alias repeats a node written before it, never a node it is part of.' },
  YamlNestingLimit: { severity: 'error', hint: 'A document may nest mappings and lists at most 64 levels deep; a resource needs five.' },
  NotAMapping: { severity: 'error', hint: 'Each document needs apiVersion, kind, metadata and spec.' },
  UnknownApiVersion: {
    severity: 'error',
    hint: 'Use apiVersion: exo.gitops/v1alpha1. A file that holds exo-gitops documents holds nothing else: other YAML goes in files of its own, which are skipped.',
  },
  UnknownKind: {
    severity: 'error',
    hint: 'Kinds: Tenant, OrganizationRelationship, MigrationEndpoint, MigrationScope, MailUser, CloudManagement, MigrationBatch.',
  },
  SchemaViolation: { severity: 'error' },
  SecretInYaml: {
    severity: 'error',
    hint: 'If this is a real secret, it is exposed: revoke it, store the new one in your CI secret store (or the shell environment), and write only the variable\'s name here (secretEnv: NORTHWIND_MIGRATION_APP_SECRET).',
  },
  ControlCharacter: { severity: 'error', hint: 'Exchange attributes hold text: remove the control character (tabs and line breaks are allowed).' },
  InvalidUnicode: {
    severity: 'error',
    hint: 'A \\u escape in a double-quoted string wrote half of a surrogate pair: write the character itself, or both halves (\\ud83d\\ude00), or \\U0001F600.',
  },
  InvalidName: { severity: 'error', hint: 'A name is one line of text with no spaces at either end (quoted values keep them).' },
  InvalidAddress: {
    severity: 'error',
    hint: 'An address is one line with no spaces at either end (quoted values keep them), a local part of at most 64 characters and at most 254 in all.',
  },
  MembersFileUnreadable: { severity: 'error', hint: 'membersFile is relative to the YAML file that names it and must stay inside the config directory.' },
  InvalidMemberAddress: {
    severity: 'error',
    hint: 'One SMTP address per line (local part at most 64 characters, at most 254 in all); an EmailAddress header, blank lines and comments starting with # in column 1 are allowed.',
  },
  // Desired state, one resource at a time or across the repository
  DuplicateResource: { severity: 'error', hint: 'Each (tenant, kind, name) may be declared once; merge the two documents.' },
  DuplicateTenantId: { severity: 'error', hint: 'Two Tenant documents describe the same tenant.' },
  UnknownTenant: { severity: 'error', hint: 'Declare a Tenant document with that metadata.name, or fix the spelling.' },
  UnknownPartner: { severity: 'error', hint: 'partner names a Tenant document by its metadata.name.' },
  SelfPartner: { severity: 'error', hint: 'A relationship or endpoint points at the other tenant of the migration, never its own.' },
  PartnerAndDomainNames: { severity: 'error', hint: 'Give partner (resolved to the tenant ID for you) or domainNames, not both.' },
  MissingPartner: { severity: 'error', hint: 'Give partner (a Tenant name) or domainNames (tenant ID GUIDs).' },
  DomainNameNotGuid: {
    severity: 'error',
    hint: "DomainNames takes the partner's tenant ID, not a domain name. Use partner: <tenant name>, or the GUID shown as the tenant ID in the Entra admin center.",
  },
  TooManyPublishedScopes: {
    severity: 'error',
    hint: "Exchange accepts one published scope (\"Number of scopes specified '2' exeeds the allowed limit '1'\"). Put all movers in one group.",
  },
  RemoteOutboundWithoutApp: { severity: 'error', hint: 'A source relationship with RemoteOutbound needs oauthApplicationId: the migration app the source consented to.' },
  RemoteOutboundWithoutScope: { severity: 'error', hint: 'A source relationship with RemoteOutbound needs mailboxMovePublishedScopes: the scope group of mailboxes allowed to move.' },
  PublishedScopeUndeclared: { severity: 'warning', hint: 'Declare the group as a MigrationScope in this tenant so its members are managed too.' },
  RelationshipMoveDisabled: {
    severity: 'error',
    hint: 'A relationship moves mailboxes only with Enabled and MailboxMoveEnabled both true: set enabled: true and mailboxMoveEnabled: true on it.',
  },
  CrossCloudPair: {
    severity: 'error',
    hint: 'Cross-tenant mailbox migration works only between tenants of the same cloud (environment): both commercial, both GCC High or both DoD.',
  },
  TenantIdMismatch: {
    severity: 'error',
    hint: 'spec.tenantId must be the tenant the connection signs in to (Get-OrganizationConfig: ExternalDirectoryOrganizationId): a mistyped ID points relationships at the wrong tenant.',
  },
  PublishedScopeNotFound: {
    severity: 'error',
    hint: 'Set-OrganizationRelationship -MailboxMovePublishedScopes fails with ManagementObjectNotFoundException: declare the group as a MigrationScope with create: true, or create it in Exchange.',
  },
  PublishedScopeInOtherTenant: { severity: 'error', hint: 'The published scope must be a group of the tenant the relationship lives in (the source).' },
  RelationshipPairMismatch: { severity: 'error', hint: "The target's Inbound relationship and the source's RemoteOutbound relationship must name each other's tenant." },
  RelationshipPairMissing: { severity: 'warning', hint: 'Declare the partner tenant\'s relationship too, so both halves of the move are checked together.' },
  OAuthAppMismatch: { severity: 'error', hint: "The source relationship's oauthApplicationId must equal the target endpoint's applicationId: both name the one migration app." },
  EndpointSelfRemote: { severity: 'error', hint: 'RemoteTenant is the source tenant, seen from the target where the endpoint lives.' },
  EndpointPartnerAndRemoteTenant: { severity: 'error', hint: 'Give partner or remoteTenant, not both.' },
  EndpointMissingRemote: { severity: 'error', hint: 'Give partner (a Tenant name) or remoteTenant (its .onmicrosoft.com domain).' },
  EndpointWithoutCredentials: { severity: 'warning', hint: 'Without credentials.secretEnv the endpoint can be checked but not created.' },
  ConnectionIncomplete: { severity: 'error', hint: 'Give appId with certificateThumbprint or certificatePath, or accessTokenEnv alone.' },
  AddressInForeignDomain: {
    severity: 'error',
    hint: "A domain belongs to one tenant only; Exchange rejects the address (NotAcceptedDomain). Keep source-domain addresses off the target mail user.",
  },
  ExternalAddressInOwnDomain: { severity: 'warning', hint: 'externalEmailAddress should point at the source mailbox, in a domain of the source tenant.' },
  PrimaryAddressConflict: {
    severity: 'error',
    hint: 'A recipient has one primary address: write it as primarySmtpAddress, and secondary addresses with a lower-case smtp: prefix.',
  },
  DuplicateExchangeGuid: { severity: 'error', hint: 'Each ExchangeGuid belongs to one mailbox; two mail users cannot both receive it.' },
  DuplicateAddress: { severity: 'error', hint: 'An SMTP address belongs to one recipient of a tenant.' },
  AddressKeptAndRemoved: { severity: 'error', hint: 'An address is either kept (emailAddresses, primarySmtpAddress) or removed (removeEmailAddresses): each plan would undo the last apply.' },
  SourceInOwnTenant: { severity: 'error', hint: 'source.tenant names the other tenant: the one the mailbox moves from.' },
  ScopeTooLarge: { severity: 'warning', hint: 'Microsoft advises more than 10,000 users be split across several scope groups.' },
  DuplicateMember: { severity: 'warning', hint: 'Remove the repeated address.' },
  CertificateThumbprintWindowsOnly: {
    severity: 'warning',
    hint: 'Connect-ExchangeOnline -CertificateThumbprint reads the Windows certificate store. Elsewhere (Linux and macOS runners) use certificatePath with certificatePasswordEnv, or accessTokenEnv.',
  },
  UnsupportedEntraConnect: {
    severity: 'error',
    hint: 'Entra Connect before 2.5.190.0 raises ExchangeManagedAttributesUpdateNotAllowed for cloud-managed users and stops syncing them; upgrade to 2.5.190.0 or later first.',
  },
  EntraConnectVersionUnknown: {
    severity: 'warning',
    hint: 'Set spec.entraConnectVersion on the Tenant: IsExchangeCloudManaged needs Entra Connect 2.5.190.0 or later (ExchangeManagedAttributesUpdateNotAllowed before), and exo-gitops checks it only when it knows the version.',
  },
  CloudManagedByDefault: {
    severity: 'warning',
    hint: 'With the tenant default cloud-managed, a mailbox still created on-premises (Enable-RemoteMailbox) does not reach the Exchange Online address book, and fixing it takes Microsoft Support: set it only once no mailbox is created on-premises.',
  },
  CloudManagedDefaultUnknown: {
    severity: 'warning',
    hint: 'Exchange did not print the tenant default (Get-OrganizationConfig ExchangeAttributesCloudManagedByDefault), so exo-gitops cannot tell whether it is set and plans nothing: set it once by hand with Set-OrganizationConfig.',
  },
  CloudManagementRevert: {
    severity: 'warning',
    hint: 'With isExchangeCloudManaged: false the next Entra Connect sync overwrites every Exchange attribute edited in the cloud with the on-premises AD value; apply needs --allow revert-cloud-managed.',
  },
  CloudManagementConflict: { severity: 'error', hint: 'A mailbox can be cloud-managed or not, not both: keep it in one list.' },
  CloudManagementRepeated: { severity: 'warning', hint: 'The mailbox is listed more than once with the same value.' },
  // Plan: desired state against live snapshots, and the cross-tenant preflight
  SnapshotMissing: { severity: 'error', hint: 'Export the tenant (exo-gitops export) or plan without --state.' },
  PeerStateFromSnapshot: {
    severity: 'warning',
    hint: "plan --tenant reads only that tenant's live state: the other tenants' state is their last snapshot, as old as it says. Ask their admin for a fresh one (exo-gitops export --tenant NAME --state DIR) when it matters. Their own actions are not shown: their admin plans them with plan --tenant.",
  },
  PeerStateMissing: {
    severity: 'warning',
    hint: "Without the other tenant's state, plan --tenant skips every check that needs it and plans nothing derived from it (ExchangeGuid, X500 addresses, batches). Ask its admin for a snapshot (exo-gitops export --tenant NAME --state DIR) and pass --peer-state DIR.",
  },
  RelationshipNameConflict: {
    severity: 'error',
    hint: 'Exchange keeps one relationship per partner: rename metadata.name to the existing relationship\'s Name to manage it.',
  },
  EndpointTypeMismatch: { severity: 'error', hint: 'A cross-tenant endpoint is an ExchangeRemoteMove endpoint; pick another name for this one.' },
  ScopeGroupMissing: { severity: 'error', hint: 'Set create: true to let exo-gitops create the group, or create it in Exchange.' },
  ScopeGroupNotSecurity: { severity: 'error', hint: 'The scope group must be a mail-enabled security group (New-DistributionGroup -Type Security).' },
  ScopeMemberNotFound: { severity: 'error', hint: 'Scope members are mailboxes of the source tenant; check the address.' },
  ScopeMemberMoved: { severity: 'warning', hint: 'The mailbox has moved (it is a mail user now): remove it from the list when the migration wave is done.' },
  SourceMailboxNotFound: { severity: 'error', hint: 'source.mailbox names the mailbox in the source tenant by primary SMTP address or alias.' },
  ExchangeGuidMismatch: { severity: 'error', hint: "The target mail user's ExchangeGuid must equal the source mailbox's, or the move fails with MissingExchangeGuidException. Remove exchangeGuid to take the source's." },
  ArchiveGuidMismatch: { severity: 'error', hint: "The target's ArchiveGuid must equal the source mailbox's archive GUID. Remove archiveGuid to take the source's." },
  ArchiveWithoutSource: { severity: 'error', hint: 'The source mailbox has no archive: the target mail user must not carry an ArchiveGuid.' },
  ExternalAddressNotSource: { severity: 'error', hint: "externalEmailAddress must be one of the source mailbox's addresses, e.g. alias@source.onmicrosoft.com." },
  PrimarySmtpMissing: { severity: 'error', hint: 'Set primarySmtpAddress in a domain of the target, or Exchange makes the external address primary.' },
  SourceMailboxOnHold: { severity: 'error', hint: 'A mailbox on hold cannot move across tenants; release the hold in the source tenant first.' },
  OrganizationHold: {
    severity: 'error',
    hint: 'An organization-wide retention policy holds the mailbox, and a mailbox on hold cannot move across tenants: exclude the mailbox from the policy in the source tenant (it then shows a -mbx exclusion in InPlaceHolds).',
  },
  AuxArchiveLimit: {
    severity: 'error',
    hint: "A cross-tenant move takes a mailbox with at most 12 auxiliary archives (Microsoft's guide; its validation script stops at 13). Exchange names no exception for it: the move fails.",
  },
  CrossTenantLicenseMissing: {
    severity: 'error',
    hint: 'Cross-tenant mailbox migration needs the Cross-tenant User Data Migration license on the source or the target user (PersistedCapabilities ExchangeT2TMbxMove); without it the move fails with CrossTenantMigrationWithoutLicensePermanentException.',
  },
  DumpsterOverTargetQuota: {
    severity: 'error',
    hint: "The source's Recoverable Items must fit the target mail user's RecoverableItemsQuota (30 GB by default), or the move may fail (Microsoft's validation script checks it; Exchange names no exception): purge the source's Recoverable Items, or raise the target's quota (Set-MailUser -EnableLitigationHoldForMigration makes it 100 GB).",
  },
  DemotedArchive: {
    severity: 'error',
    hint: 'The source mailbox keeps a disabled archive (DisabledArchiveGuid): the move fails with UserAlreadyHasDemotedArchiveException. Enable the archive again, or remove the disabled archive (Set-Mailbox -RemoveDisabledArchive) in the source first.',
  },
  NotInMigrationScope: {
    severity: 'error',
    hint: 'Add the mailbox to the scope group the source relationship publishes, or the move fails with MailboxNotInCrossTenantMigrationScopeException.',
  },
  NoPublishedScope: { severity: 'error', hint: 'The source tenant needs a RemoteOutbound relationship to the target that publishes a scope group.' },
  AddressNotAcceptedDomain: { severity: 'error', hint: "Every SMTP address of the mail user must be in an accepted domain of its tenant (NotAcceptedDomain)." },
  CloudManagedMailboxNotFound: { severity: 'error', hint: 'CloudManagement lists mailboxes of its tenant by primary SMTP address.' },
  CloudManagedMailboxMoved: { severity: 'warning', hint: 'The mailbox moved to another tenant (its source is a mail user now): remove it from the list.' },
  CloudManagementNoEffect: { severity: 'warning', hint: 'IsExchangeCloudManaged matters only for directory-synced mailboxes.' },
  NoLongerManaged: {
    severity: 'warning',
    hint: 'Removing a document stops exo-gitops managing its object; the object stays in Exchange as it is. Relationships, endpoints and batches can be removed from Exchange by keeping the document with spec.ensure: Absent until that is applied.',
  },
  BlockedChange: {
    severity: 'warning',
    hint: 'exo-gitops cannot make this change: make it where the reason says (on-premises AD for a synced object, Entra ID, or the YAML). It is not a change to apply: plan exits 0 when nothing else is planned, and the plan shows it until live state matches.',
  },
  LiveControlCharacter: { severity: 'warning', hint: 'Live data holds a control character (a NUL, say): an action that would send that value fails on its own, the others run. Correct the value in Exchange (on-premises for a synced object).' },
  LiveRelationshipPairMismatch: { severity: 'error', hint: "After this plan the two tenants' relationships would still not match; fix the side the plan does not manage." },
  LiveOAuthAppMismatch: { severity: 'error', hint: "The source relationship's OAuthApplicationId must equal the target endpoint's ApplicationId." },
  TooManyActions: { severity: 'error', hint: 'A guardrail against mass changes: review the plan, then raise --max-actions (0 for no limit).' },
  MailUserNotCreatable: { severity: 'error', hint: 'Creating a mail user needs externalEmailAddress and microsoftOnlineServicesId.' },
  // Migration batches
  BatchTooLarge: { severity: 'error', hint: 'A migration batch holds at most 2,000 users: split the wave into several MigrationBatch documents.' },
  UserInTwoBatches: {
    severity: 'error',
    hint: 'A user belongs to one migration batch (UserDuplicateInOtherBatchException): keep it in one list, or remove it from the other batch (Get-MigrationUser <address> | Remove-MigrationUser).',
  },
  UserNotReady: {
    severity: 'warning',
    hint: 'A batch is not created or extended while one of its users would fail: fix what blocks them (their findings and blocked actions), or move them to a later wave.',
  },
  BatchUserNotFound: { severity: 'error', hint: 'Batch users are mailboxes of the source tenant, by primary or secondary SMTP address.' },
  BatchUserNotDeclared: {
    severity: 'error',
    hint: 'With mailUsers: declared, every batch user needs a MailUser document whose source names it; or use mailUsers: derive.',
  },
  BatchRoutingAddressMissing: {
    severity: 'error',
    hint: "The target mail user's external address must be the source mailbox's own address in the source's .onmicrosoft.com domain: add one in the source, or declare a MailUser with externalEmailAddress.",
  },
  PrimaryAddressUnmapped: {
    severity: 'error',
    hint: "Map the source primary address's domain to an accepted domain of the target in spec.addressMap, or declare a MailUser with primarySmtpAddress.",
  },
  AddressesLeftOut: {
    severity: 'warning',
    hint: 'A domain belongs to one tenant: addresses whose domain addressMap does not map to an accepted domain of the target are not carried (NotAcceptedDomain otherwise). Add the mapping to carry them.',
  },
  DerivedNameTaken: {
    severity: 'error',
    hint: "The source alias is taken in the target by another recipient: declare a MailUser document for the user with another metadata.name and source pointing at the mailbox.",
  },
  BatchEndpointNotFound: { severity: 'error', hint: 'spec.endpoint names a MigrationEndpoint of the batch\'s tenant: declare it, or fix the name.' },
  BatchEndpointMismatch: { severity: 'error', hint: "The batch's endpoint must point at its source tenant (the endpoint's partner or remoteTenant)." },
  BatchScopeNotFound: {
    severity: 'error',
    hint: 'spec.scope names a MigrationScope of the source tenant (metadata.name or group); without it, the source must publish exactly one scope to the target.',
  },
  BatchUserFailed: { severity: 'warning', hint: "Exchange's error is on the migration user (Get-MigrationUserStatistics <address> shows the detail): fix it, then remove the user from the batch and add it to a new one." },
  DelegateInOtherBatch: {
    severity: 'warning',
    hint: "Send As, Send on Behalf and FullAccess work only within one tenant: a principal and its delegates should move in the same batch (Microsoft's guidance). Move them together, or accept the gap until the second one moves (exo-gitops then re-stamps the grants). With keepDelegatesTogether: true on the batch this is an error.",
  },
  DelegateNotMailbox: {
    severity: 'warning',
    hint: 'Groups and accounts without a mailbox do not move with a batch: grant the target equivalent yourself, e.g. in the moved user\'s MailUser spec.permissions.',
  },
  DelegationNotRead: {
    severity: 'warning',
    hint: "The snapshot holds no mailbox or Send As permissions (it predates them, or was written by hand): export it again so delegates can be kept together and re-stamped.",
  },
  PermissionDelegateNotFound: {
    severity: 'error',
    hint: 'spec.permissions names delegates by their address in the target tenant: a mailbox, mail user or mail-enabled security group there.',
  },
  BatchUserNotListed: {
    severity: 'warning',
    hint: 'The live batch moves users its YAML no longer lists: Exchange keeps moving them. Remove them with Get-MigrationUser <address> | Remove-MigrationUser, or list them again.',
  },
} as const satisfies Record<string, CodeInfo>;

export type FindingCode = keyof typeof FINDING_CODES;

/** Build a finding with the code's catalogued severity and hint (a caller may sharpen the hint). */
export function finding(
  code: FindingCode,
  message: string,
  where: Omit<Finding, 'code' | 'severity' | 'message'> & { severity?: Severity } = {},
): Finding {
  const info: CodeInfo = FINDING_CODES[code];
  // A code's severity is fixed, except where the YAML asks for strictness (keepDelegatesTogether).
  const result: Finding = { code, severity: where.severity ?? info.severity, message };
  const hint = where.hint ?? info.hint;
  if (hint !== undefined) result.hint = hint;
  if (where.location) result.location = where.location;
  if (where.tenant !== undefined) result.tenant = where.tenant;
  if (where.kind !== undefined) result.kind = where.kind;
  if (where.object !== undefined) result.object = where.object;
  return result;
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

/** Stable order for output: by file, line, column, then code. Findings without a file come last. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => {
    const fa = a.location?.file ?? '\uffff';
    const fb = b.location?.file ?? '\uffff';
    if (fa !== fb) return fa < fb ? -1 : 1;
    const la = a.location?.line ?? 0;
    const lb = b.location?.line ?? 0;
    if (la !== lb) return la - lb;
    const ca = a.location?.column ?? 0;
    const cb = b.location?.column ?? 0;
    if (ca !== cb) return ca - cb;
    return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
  });
}
