// The read script for one tenant: one bulk Get-* per kind (never one call per object), every value
// converted to plain JSON inside PowerShell (GUIDs and enums to strings, multi-valued properties to
// string arrays, sizes to bytes), so the snapshot does not depend on how a module version serializes
// objects. Its cost in remote calls is constant in the number of objects: one per kind, plus two per
// scope group the repository names or a live RemoteOutbound relationship publishes, plus one
// Get-EXOMailboxStatistics per source mailbox the repository links to a target mail user whose
// Recoverable Items quota is above the 30 GB default (on hold, or Unlimited): Connect, 7 bulk reads
// and Disconnect, + 2 per group, + 1 per such linked mailbox (batch users included), + 2
// (Get-MigrationBatch, Get-MigrationUser) where the repository declares batches.
// Delegates (where batches move from or to the tenant, or a mail user declares permissions): + 1 bulk
// Send As read, + 1 FullAccess read per batch user (source: every one; target: each that has moved
// in) and per mail user declaring permissions that is a mailbox. Exchange has no bulk read of
// explicit mailbox permissions, so this part grows with the batch users, never with the tenant.

import type { Resource } from '../model/desired.js';
import { connectCommand, DISCONNECT_COMMAND, SCRIPT_PREFERENCES, titleComment } from './session.js';
import { psArray } from './literal.js';
import { SNAPSHOT_LINES_FORMAT } from '../load/snapshot-file.js';
import { DEFAULT_RECOVERABLE_ITEMS_QUOTA_BYTES } from '../model/snapshot.js';
import { DEFAULT_RETRY, retryFunction, type RetrySettings } from './retry.js';

/** Scope groups read in all, nested ones included: a bound on remote calls (2 per group) whatever the nesting. */
const NESTED_GROUP_LIMIT = 500;

/**
 * What the script writes, and where: the snapshot's lines (load/snapshot-file.ts) into a file the CLI
 * names (in EXO_GITOPS_SNAPSHOT_FILE), one JSON object per line, never the whole state as one string on standard output: Node reads
 * no string above 512 MiB, and a tenant of 370,000 mail users reaches that. The end line has no digest:
 * the CLI checks what was read, then writes the snapshot with its digest.
 */
export const SNAPSHOT_FILE_ENV = 'EXO_GITOPS_SNAPSHOT_FILE';

const WRITE_SNAPSHOT = `function Write-ExoCollection {
  param([string]$File, [string]$Name, $Entries, [switch]$Single)
  $lines = @($Entries | ForEach-Object { ConvertTo-Json -InputObject $_ -Compress -Depth 8 })
  if ($Single) { $head = '{"collection":"' + $Name + '","count":' + $lines.Count + ',"single":true}' } else { $head = '{"collection":"' + $Name + '","count":' + $lines.Count + '}' }
  Add-Content -LiteralPath $File -Encoding utf8NoBOM -Value $head
  if ($lines.Count -gt 0) { Add-Content -LiteralPath $File -Encoding utf8NoBOM -Value $lines }
}`;

/**
 * How a property becomes plain JSON inside PowerShell. text, bool, int and list as their names say;
 * unlimited: an Unlimited<int> (MaxConcurrentMigrations) as its number or the string "Unlimited";
 * bytes: a ByteQuantifiedSize as Exchange prints it ("30 GB (32,212,254,720 bytes)") as its number of
 * bytes, "Unlimited" as null; time: a DateTime as ISO 8601 UTC ("2026-12-15T22:00:00Z"), null when
 * not set. Sizes are converted here, in the export, and nowhere else: a snapshot
 * holds bytes only (the …Bytes properties), whatever the module version prints.
 */
type Conversion = 'text' | 'bool' | 'int' | 'list' | 'unlimited' | 'bytes' | 'time';

/** A snapshot property: its name, Exchange's name where it differs, its conversion. */
interface Field {
  name: string;
  from?: string;
  conversion: Conversion;
  /**
   * A newer property: left out of the snapshot when the object has no such property at all (the
   * shape of an older snapshot, which the checks read as "not known"), written (empty, or null) when
   * Exchange printed it, however empty.
   */
  optional?: boolean;
}

const field = (name: string, conversion: Conversion, options: { from?: string; optional?: boolean } = {}): Field => ({ name, conversion, ...options });

function convert(variable: string, property: string, conversion: Conversion): string {
  const value = `${variable}.${property}`;
  switch (conversion) {
    case 'text':
      return `[string]${value}`;
    case 'bool':
      return `[bool]${value}`;
    case 'int':
      return `[int]${value}`;
    case 'list':
      return `@(${value} | Where-Object { $null -ne $_ } | ForEach-Object { [string]$_ })`;
    case 'unlimited':
      return `(ConvertTo-ExoUnlimited ${value})`;
    case 'bytes':
      return `(ConvertTo-ExoBytes ${value})`;
    case 'time':
      return `(ConvertTo-ExoTime ${value})`;
  }
}

/**
 * One object as an ordered dictionary: `[ordered]@{…}` of the properties every snapshot has; with
 * optional properties, that dictionary in $record, one `if (Test-ExoProperty …)` per optional
 * property, then $record. `variable` is the object.
 */
function record(variable: string, fields: readonly Field[], indent: string, extra: string[] = []): string {
  const lines = fields.filter((f) => !f.optional).map((f) => `${indent}  ${f.name} = ${convert(variable, f.from ?? f.name, f.conversion)}`);
  const literal = `[ordered]@{\n${[...lines, ...extra.map((e) => `${indent}  ${e}`)].join('\n')}\n${indent}}`;
  const optional = fields.filter((f) => f.optional);
  if (optional.length === 0) return literal;
  const checks = optional.map((f) => `${indent}if (Test-ExoProperty ${variable} '${f.from ?? f.name}') { $record.${f.name} = ${convert(variable, f.from ?? f.name, f.conversion)} }`);
  return `$record = ${literal}\n${checks.join('\n')}\n${indent}$record`;
}

const CUSTOM_ATTRIBUTES = Array.from({ length: 15 }, (_, i) => field(`CustomAttribute${i + 1}`, 'text'));

const RELATIONSHIP = [
  field('Name', 'text'), field('DomainNames', 'list'), field('Enabled', 'bool'), field('MailboxMoveEnabled', 'bool'),
  field('MailboxMoveCapability', 'text'), field('OAuthApplicationId', 'text'), field('MailboxMovePublishedScopes', 'list'),
];
const ENDPOINT = [
  field('Identity', 'text'), field('EndpointType', 'text'), field('RemoteServer', 'text'), field('RemoteTenant', 'text'), field('ApplicationId', 'text'),
  // Unlimited<int>: Exchange prints "Unlimited" for no limit, which [int] cannot convert.
  field('MaxConcurrentMigrations', 'unlimited'),
];
const GROUP = [field('Name', 'text'), field('Alias', 'text'), field('PrimarySmtpAddress', 'text'), field('RecipientTypeDetails', 'text'), field('IsDirSynced', 'bool')];
const MAIL_USER = [
  field('Name', 'text'), field('Alias', 'text'), field('PrimarySmtpAddress', 'text'), field('ExternalEmailAddress', 'text'),
  field('MicrosoftOnlineServicesID', 'text'), field('ExchangeGuid', 'text'), field('ArchiveGuid', 'text'), field('LegacyExchangeDN', 'text'),
  field('EmailAddresses', 'list'), field('IsDirSynced', 'bool'), field('RecipientTypeDetails', 'text'), ...CUSTOM_ATTRIBUTES,
  // A moved mailbox's legacy mail user keeps its Send on Behalf delegates (plan/delegation.ts).
  field('GrantSendOnBehalfTo', 'list', { optional: true }),
  // The cross-tenant license (ExchangeT2TMbxMove) and the dumpster quota a moved mailbox must fit in.
  field('PersistedCapabilities', 'list', { optional: true }),
  field('RecoverableItemsQuotaBytes', 'bytes', { from: 'RecoverableItemsQuota', optional: true }),
];
const MAILBOX = [
  field('Name', 'text'), field('Alias', 'text'),
  // In Get-EXOMailbox's Minimum set: what a MigrationBatch derives a target mail user's DisplayName and UPN from.
  field('DisplayName', 'text', { optional: true }), field('UserPrincipalName', 'text', { optional: true }), field('PrimarySmtpAddress', 'text'), field('ExchangeGuid', 'text'), field('ArchiveGuid', 'text'),
  field('LegacyExchangeDN', 'text'), field('EmailAddresses', 'list'), field('RecipientTypeDetails', 'text'), field('IsDirSynced', 'bool'),
  field('IsExchangeCloudManaged', 'bool'), field('LitigationHoldEnabled', 'bool'), field('DelayHoldApplied', 'bool'),
  field('DelayReleaseHoldApplied', 'bool'), field('ComplianceTagHoldApplied', 'bool'), field('InPlaceHolds', 'list'),
  field('GrantSendOnBehalfTo', 'list'), ...CUSTOM_ATTRIBUTES,
  // Auxiliary archives (the AuxArchive entries), the license, a disabled (demoted) archive.
  field('MailboxLocations', 'list', { optional: true }), field('PersistedCapabilities', 'list', { optional: true }),
  field('ArchiveStatus', 'text', { optional: true }), field('DisabledArchiveGuid', 'text', { optional: true }),
  // The bound on its deleted items: statistics are read only where it is above the default.
  field('RecoverableItemsQuotaBytes', 'bytes', { from: 'RecoverableItemsQuota', optional: true }),
];

/**
 * What Get-EXOMailbox is asked for: exactly the properties MAILBOX reads, not the 230+ of Get-Mailbox.
 * Get-EXOMailbox returns the Minimum property set always, and with -PropertySets / -Properties what
 * they name as well ("If you use the PropertySets or Properties parameters, you get the specified
 * properties and the properties in the Minimum property set":
 * https://learn.microsoft.com/powershell/exchange/exchange-online-powershell-v2#properties-and-property-sets-in-the-exchange-online-powershell-module).
 * Set membership from https://learn.microsoft.com/powershell/exchange/cmdlet-property-sets#get-exomailbox-property-sets:
 *   Minimum: Name, Alias, PrimarySmtpAddress, EmailAddresses, RecipientTypeDetails (with identity properties);
 *   Custom: CustomAttribute1-15 (with ExtensionCustomAttribute1-5 and ExternalDirectoryObjectId).
 * The rest is named: Archive would bring 14 properties for the 3 needed (ArchiveGuid, ArchiveStatus,
 * DisabledArchiveGuid), Hold 9 for 4, Delivery 22 for 1 (GrantSendOnBehalfTo); ExchangeGuid is in
 * StatisticsSeed only; LegacyExchangeDN, IsDirSynced, IsExchangeCloudManaged, DelayReleaseHoldApplied,
 * MailboxLocations and PersistedCapabilities are in no set. The set names are valid values of
 * -PropertySets in the reference (exo-cmdlets.json, Get-EXOMailbox).
 */
export const EXO_MAILBOX_PROPERTY_SETS = ['Minimum', 'Custom'] as const;
export const EXO_MAILBOX_PROPERTIES = [
  'ExchangeGuid', 'ArchiveGuid', 'LegacyExchangeDN', 'IsDirSynced', 'IsExchangeCloudManaged',
  'LitigationHoldEnabled', 'DelayHoldApplied', 'DelayReleaseHoldApplied', 'ComplianceTagHoldApplied', 'InPlaceHolds',
  'GrantSendOnBehalfTo', 'MailboxLocations', 'PersistedCapabilities', 'ArchiveStatus', 'DisabledArchiveGuid',
  'RecoverableItemsQuota',
] as const;

/** Exchange's names of the Mailbox properties the snapshot holds (what the Get-EXOMailbox request must cover). */
export const MAILBOX_PROPERTIES_READ: readonly string[] = MAILBOX.map((f) => f.from ?? f.name);

/** Helpers of the read script: property presence, and conversions that need more than a cast. */
const HELPERS = String.raw`# True when Exchange printed the property at all, however empty: newer snapshot properties are
# written only then, so a source that does not print one gives the shape of an older snapshot.
function Test-ExoProperty {
  param($Object, [string]$Name)
  return ($Object.PSObject.Properties.Name -contains $Name)
}

# An Unlimited<int> as JSON: its number, or 'Unlimited'; nothing printed is null.
function ConvertTo-ExoUnlimited {
  param($Value)
  $text = [string]$Value
  if ($text -eq '') { return $null }
  if ($text -eq 'Unlimited') { return 'Unlimited' }
  return [int]$text
}

# A ByteQuantifiedSize as Exchange prints it ('30 GB (32,212,254,720 bytes)') as its bytes; 'Unlimited'
# (an Unlimited<ByteQuantifiedSize> without a limit) and nothing printed as null. The separators of the
# byte count follow the server's culture: every non-digit in the parentheses is dropped.
function ConvertTo-ExoBytes {
  param($Size)
  $text = [string]$Size
  if ($text -eq '' -or $text -eq 'Unlimited') { return $null }
  if ($text -match '\(([0-9][^()]*) bytes\)') { return [long]($Matches[1] -replace '[^0-9]', '') }
  throw ('exo-gitops cannot read the size ''' + $text + ''': Exchange prints sizes as ''30 GB (32,212,254,720 bytes)''')
}

# A DateTime as ISO 8601 UTC; nothing printed is null. A local time (how a text with a zone casts) is converted first.
function ConvertTo-ExoTime {
  param($Value)
  if ($null -eq $Value -or [string]$Value -eq '') { return $null }
  $time = [datetime]$Value
  if ($time.Kind -eq 'Local') { $time = $time.ToUniversalTime() }
  return $time.ToString('yyyy-MM-ddTHH:mm:ssZ', [System.Globalization.CultureInfo]::InvariantCulture)
}`;

const MIGRATION_BATCH = [
  field('Identity', 'text'), field('Status', 'text'), field('SourceEndpoint', 'text'), field('TargetDeliveryDomain', 'text'),
  field('NotificationEmails', 'list'), field('CompleteAfterUTC', 'time'),
  field('TotalCount', 'int'), field('ActiveCount', 'int'), field('SyncedCount', 'int'), field('FinalizedCount', 'int'), field('FailedCount', 'int'),
];
// Rights as a list whether Exchange prints a collection or one "FullAccess, ReadPermission" text.
const RIGHTS = (variable: string): string => `@(@(${variable}.AccessRights | ForEach-Object { [string]$_ }) -join ',' -split '\\s*,\\s*' | Where-Object { $_ -ne '' })`;
const SEND_AS = [field('Identity', 'text'), field('Trustee', 'text'), field('IsInherited', 'bool'), field('AccessControlType', 'text')];

const MIGRATION_USER = [field('Identity', 'text'), field('BatchId', 'text'), field('Status', 'text'), field('ErrorSummary', 'text')];

/**
 * Whose FullAccess to read, one call each that exists, by an address, alias or name: `users` as a
 * mailbox or as the mail user a moved mailbox became, `mailboxes` as mailboxes only; with
 * `migrationUsers`, also each migration user's mailbox (the tenant's batches, read before).
 */
export interface PermissionReads {
  users: readonly string[];
  mailboxes: readonly string[];
  migrationUsers: boolean;
}

export interface ExportScriptOptions {
  /** Scope groups the repository names in this tenant: only their membership is read. */
  groups: readonly string[];
  /**
   * Source mailboxes (SMTP address or alias, as MailUser spec.source.mailbox names them) the
   * repository links to a target mail user: only their statistics are read, one call each where the
   * mailbox's Recoverable Items quota is above the 30 GB default.
   */
  linkedMailboxes?: readonly string[];
  /** The repository declares migration batches in this tenant: read every batch and migration user (two bulk calls). */
  batches?: boolean;
  /** Whose delegates to read (plan/delegation.ts, export.ts permissionsToRead); absent: no permissions are read. */
  permissions?: PermissionReads;
  retry?: Partial<RetrySettings>;
}

/**
 * FullAccess of the mailboxes asked about (one call each: Exchange has no bulk read of explicit
 * mailbox permissions; Get-EXOMailboxPermission for a mailbox, Get-MailboxPermission for a moved
 * mailbox's mail user, which keeps them), and every Send As grant of the tenant (one bulk call). What
 * is kept: explicit, non-inherited Allow entries; of a mailbox's entries, its FullAccess grants and
 * its NT AUTHORITY\SELF entry (Exchange gives every mailbox one: it says the mailbox was read, and is
 * never taken for a delegate).
 */
function permissionReads(permissions: PermissionReads): string {
  return `  # Whose permissions to read, each once (by ExchangeGuid): users as mailboxes or as the mail user a
  # moved mailbox became (a mail user with an ExchangeGuid); mailboxes, and migration users, as mailboxes only.
  $movedUsers = @{}
  foreach ($user in $state.MailUser) {
    if ($user.ExchangeGuid -and $user.ExchangeGuid -ne '00000000-0000-0000-0000-000000000000') {
      foreach ($key in @($user.PrimarySmtpAddress, $user.Alias, $user.Name) + @($user.EmailAddresses | Where-Object { $_ -like 'smtp:*' } | ForEach-Object { $_ -replace '^smtp:', '' })) {
        if ($key -and -not $movedUsers.ContainsKey($key)) { $movedUsers[$key] = $user }
      }
    }
  }
  $mailboxByGuid = @{}
  foreach ($mailbox in $state.Mailbox) { if ($mailbox.ExchangeGuid) { $mailboxByGuid[$mailbox.ExchangeGuid] = $mailbox } }
  $mailboxesToRead = [System.Collections.Generic.List[string]]::new()
  foreach ($wanted in ${psArray(permissions.mailboxes)}) { $mailboxesToRead.Add($wanted) }
${permissions.migrationUsers ? '  foreach ($migrationUser in $state.MigrationUser) { $mailboxesToRead.Add([string]$migrationUser.Identity) }\n' : ''}  $permissionReads = [System.Collections.Generic.List[object]]::new()
  $permissionSeen = @{}
  foreach ($wanted in ${psArray(permissions.users)}) {
    $read = $null
    if ($mailboxGuids.ContainsKey($wanted)) { $read = @{ Guid = $mailboxGuids[$wanted]; Address = $mailboxByGuid[$mailboxGuids[$wanted]].PrimarySmtpAddress; Mailbox = $true } }
    elseif ($movedUsers.ContainsKey($wanted)) { $read = @{ Guid = $movedUsers[$wanted].ExchangeGuid; Address = $movedUsers[$wanted].PrimarySmtpAddress; Mailbox = $false } }
    if ($null -ne $read -and -not $permissionSeen.ContainsKey($read.Guid)) { $permissionSeen[$read.Guid] = $true; $permissionReads.Add($read) }
  }
  foreach ($wanted in $mailboxesToRead) {
    if ($wanted -and $mailboxGuids.ContainsKey($wanted) -and -not $permissionSeen.ContainsKey($mailboxGuids[$wanted])) {
      $permissionSeen[$mailboxGuids[$wanted]] = $true
      $permissionReads.Add(@{ Guid = $mailboxGuids[$wanted]; Address = $mailboxByGuid[$mailboxGuids[$wanted]].PrimarySmtpAddress; Mailbox = $true })
    }
  }
  $mailboxPermissions = [System.Collections.Generic.List[object]]::new()
  foreach ($read in $permissionReads) {
    # A mailbox removed since Get-EXOMailbox (minutes ago, for a large wave) is no reason to fail the export.
    $entries = @()
    try {
      $entries = if ($read.Mailbox) { @(Invoke-ExoCall { Get-EXOMailboxPermission -Identity $read.Address -ErrorAction Stop }) } else { @(Invoke-ExoCall { Get-MailboxPermission -Identity $read.Address -ErrorAction Stop }) }
    } catch {
      if ($_.Exception.Message -notlike '*couldn''t be found*') { throw }
    }
    foreach ($p in $entries) {
      $rights = ${RIGHTS('$p')}
      if (-not [bool]$p.IsInherited -and -not [bool]$p.Deny -and ([string]$p.User -eq 'NT AUTHORITY\\SELF' -or $rights -contains 'FullAccess')) {
        $mailboxPermissions.Add([ordered]@{ MailboxGuid = [string]$read.Guid; Identity = [string]$p.Identity; User = [string]$p.User; AccessRights = $rights; IsInherited = $false; Deny = $false })
      }
    }
  }
  $state.MailboxPermission = @($mailboxPermissions)
  $state.RecipientPermission = @(Invoke-ExoCall { Get-EXORecipientPermission -ResultSize Unlimited -AccessRights SendAs -ErrorAction Stop } | Where-Object { -not [bool]$_.IsInherited -and [string]$_.AccessControlType -ne 'Deny' -and [string]$_.Trustee -ne 'NT AUTHORITY\\SELF' } | ForEach-Object { $p = $_; ${record('$p', SEND_AS, '    ', [`AccessRights = ${RIGHTS('$p')}`])} })
`;
}

export function exportScript(tenant: Resource<'Tenant'>, options: ExportScriptOptions): string {
  const mailboxRead = `Get-EXOMailbox -ResultSize Unlimited -PropertySets ${EXO_MAILBOX_PROPERTY_SETS.join(', ')} -Properties ${EXO_MAILBOX_PROPERTIES.join(', ')} -ErrorAction Stop`;
  return `${titleComment(`exo-gitops export: read-only. Tenant ${tenant.name} (${tenant.spec.organization}).`)}
${SCRIPT_PREFERENCES}
${retryFunction({ ...DEFAULT_RETRY, ...options.retry })}

${HELPERS}

${WRITE_SNAPSHOT}

${connectCommand(tenant.spec)}
try {
  $state = [ordered]@{}
  $organization = Invoke-ExoCall { Get-OrganizationConfig -ErrorAction Stop }
  # The live tenant's ID (its Microsoft Entra tenant ID): the plan compares it with the Tenant document's tenantId, never copies it.
  $state.tenant = [ordered]@{ tenantId = [string]$organization.ExternalDirectoryOrganizationId }
  $state.OrganizationConfig = [ordered]@{ IsDehydrated = [bool]$organization.IsDehydrated }
  # Organization-wide holds (Get-OrganizationConfig | FL InPlaceHolds: https://learn.microsoft.com/microsoft-365/compliance/identify-a-hold-on-an-exchange-online-mailbox).
  # The tenant's cloud-managed default only where Exchange prints a property of that name: the docs name none on Get-OrganizationConfig.
  if (Test-ExoProperty $organization 'InPlaceHolds') { $state.OrganizationConfig.InPlaceHolds = ${convert('$organization', 'InPlaceHolds', 'list')} }
  if (Test-ExoProperty $organization 'ExchangeAttributesCloudManagedByDefault') { $state.OrganizationConfig.ExchangeAttributesCloudManagedByDefault = [bool]$organization.ExchangeAttributesCloudManagedByDefault }
  $state.AcceptedDomain = @(Invoke-ExoCall { Get-AcceptedDomain -ErrorAction Stop } | ForEach-Object { $d = $_; [ordered]@{ DomainName = [string]$d.DomainName; DomainType = [string]$d.DomainType } })
  $state.OrganizationRelationship = @(Invoke-ExoCall { Get-OrganizationRelationship -ErrorAction Stop } | ForEach-Object { $r = $_; ${record('$r', RELATIONSHIP, '    ')} })
  $state.MigrationEndpoint = @(Invoke-ExoCall { Get-MigrationEndpoint -ErrorAction Stop } | ForEach-Object { $e = $_; ${record('$e', ENDPOINT, '    ')} })
  # The groups the repository names, and every group a live RemoteOutbound relationship publishes,
  # declared or not: the scope checks need their members whatever the YAML says.
  $groupNames = [System.Collections.Generic.List[string]]::new()
  foreach ($groupName in ${psArray(options.groups)}) { $groupNames.Add($groupName) }
  foreach ($relationship in $state.OrganizationRelationship) {
    if ($relationship.MailboxMoveCapability -like '*RemoteOutbound*') {
      foreach ($scope in $relationship.MailboxMovePublishedScopes) {
        if ($groupNames -notcontains $scope) { $groupNames.Add($scope) }
      }
    }
  }
  $groups = @()
  $seen = @{}
  # A scope group's members may be security groups (nested scopes: the guide's way past one
  # published scope's size). Each is read like a scope group, once; ${NESTED_GROUP_LIMIT} groups at most in all.
  $next = 0
  while ($next -lt $groupNames.Count) {
    $groupName = $groupNames[$next]
    $next = $next + 1
    $group = $null
    try {
      $group = Invoke-ExoCall { Get-DistributionGroup -Identity $groupName -ErrorAction Stop }
    } catch {
      if ($_.Exception.Message -notlike '*couldn''t be found*') { throw }
    }
    # One group may be named twice (by its name and by its address): read it once.
    if ($null -ne $group -and -not $seen.ContainsKey([string]$group.Name)) {
      $seen[[string]$group.Name] = $true
      $listed = @(Invoke-ExoCall { Get-DistributionGroupMember -Identity $group.Name -ResultSize Unlimited -ErrorAction Stop })
      $members = @($listed | ForEach-Object { [string]$_.PrimarySmtpAddress })
      foreach ($member in $listed) {
        $address = [string]$member.PrimarySmtpAddress
        if ([string]$member.RecipientTypeDetails -like '*SecurityGroup' -and $groupNames.Count -lt ${NESTED_GROUP_LIMIT} -and $groupNames -notcontains $address) { $groupNames.Add($address) }
      }
      $groups += ${record('$group', GROUP, '      ', ['Members = $members'])}
    }
  }
  $state.DistributionGroup = $groups
  $previous = @{}
  Invoke-ExoCall { Get-User -ResultSize Unlimited -RecipientTypeDetails MailUser -ErrorAction Stop } | ForEach-Object { $previous[[string]$_.Identity] = [string]$_.PreviousRecipientTypeDetails }
  $state.MailUser = @(Invoke-ExoCall { Get-MailUser -ResultSize Unlimited -ErrorAction Stop } | ForEach-Object { $u = $_; ${record('$u', MAIL_USER, '    ', ['PreviousRecipientTypeDetails = [string]$previous[[string]$u.Identity]'])} })
  $state.Mailbox = @(Invoke-ExoCall { ${mailboxRead} } | ForEach-Object { $m = $_; ${record('$m', MAILBOX, '    ')} })
  # Statistics of the source mailboxes the repository links to a target mail user, and only those:
  # one Get-EXOMailboxStatistics each (by ExchangeGuid, read above). A linked mailbox that does not
  # exist is left to the plan to report. Only where its deleted items could outgrow the target's
  # default quota: a mailbox's Recoverable Items never exceed its own RecoverableItemsQuota, 30 GB
  # unless a hold raised it (100 GB) or it is Unlimited; where Exchange printed none (an older
  # module), it is read. Mailboxes no hold covers cost no call.
  $mailboxGuids = @{}
  $withinDefaultQuota = @{}
  foreach ($mailbox in $state.Mailbox) {
    foreach ($key in @($mailbox.PrimarySmtpAddress, $mailbox.Alias, $mailbox.Name) + @($mailbox.EmailAddresses | Where-Object { $_ -like 'smtp:*' } | ForEach-Object { $_ -replace '^smtp:', '' })) {
      if ($key -and -not $mailboxGuids.ContainsKey($key)) { $mailboxGuids[$key] = $mailbox.ExchangeGuid }
    }
    # Absent (not printed) or null (Unlimited): not within the default. A hold just removed (a delay
    # hold) may leave more deleted items than the quota it falls back to: read those too.
    $quota = $mailbox['RecoverableItemsQuotaBytes']
    $delayed = $mailbox.DelayHoldApplied -or $mailbox.DelayReleaseHoldApplied
    if ($null -ne $quota -and -not ($quota -gt ${DEFAULT_RECOVERABLE_ITEMS_QUOTA_BYTES}) -and -not $delayed) { $withinDefaultQuota[$mailbox.ExchangeGuid] = $true }
  }
  # A list, not an array grown with += (which copies the whole array on every addition: quadratic,
  # minutes at 50,000 linked mailboxes, in pwsh as in the simulator).
  $statistics = [System.Collections.Generic.List[object]]::new()
  $statisticsRead = @{}
  foreach ($linked in ${psArray(options.linkedMailboxes ?? [])}) {
    $mailboxGuid = $mailboxGuids[$linked]
    if ($mailboxGuid -and -not $withinDefaultQuota.ContainsKey($mailboxGuid) -and -not $statisticsRead.ContainsKey($mailboxGuid)) {
      $statisticsRead[$mailboxGuid] = $true
      $s = Invoke-ExoCall { Get-EXOMailboxStatistics -ExchangeGuid $mailboxGuid -ErrorAction Stop }
      $statistics.Add([ordered]@{
        MailboxGuid = $mailboxGuid
        TotalDeletedItemSizeBytes = (ConvertTo-ExoBytes $s.TotalDeletedItemSize)
      })
    }
  }
  $state.MailboxStatistics = @($statistics)
${options.batches ? `  # Every batch and migration user of the tenant, in bulk: the declared batches' status, and users already in other batches.
  $state.MigrationBatch = @(Invoke-ExoCall { Get-MigrationBatch -ResultSize Unlimited -ErrorAction Stop } | ForEach-Object { $b = $_; ${record('$b', MIGRATION_BATCH, '    ')} })
  $state.MigrationUser = @(Invoke-ExoCall { Get-MigrationUser -ResultSize Unlimited -ErrorAction Stop } | ForEach-Object { $u = $_; ${record('$u', MIGRATION_USER, '    ')} })
` : ''}${options.permissions ? permissionReads(options.permissions) : ''}  # The snapshot, a line per object (load/snapshot-file.ts), into the file the CLI reads.
  $snapshotFile = $env:${SNAPSHOT_FILE_ENV}
  if (-not $snapshotFile) { throw '${SNAPSHOT_FILE_ENV} is not set: the export writes the snapshot into the file it names' }
  Set-Content -LiteralPath $snapshotFile -Encoding utf8NoBOM -Value ('{"format":"${SNAPSHOT_LINES_FORMAT}","tenant":' + (ConvertTo-Json -InputObject $state.tenant -Compress) + '}')
  Write-ExoCollection -File $snapshotFile -Name 'OrganizationConfig' -Entries $state.OrganizationConfig -Single
  foreach ($name in @($state.Keys)) {
    if ($name -ne 'tenant' -and $name -ne 'OrganizationConfig') { Write-ExoCollection -File $snapshotFile -Name $name -Entries $state[$name] }
  }
  Add-Content -LiteralPath $snapshotFile -Encoding utf8NoBOM -Value '{"end":{}}'
} finally {
  ${DISCONNECT_COMMAND}
}
`;
}
