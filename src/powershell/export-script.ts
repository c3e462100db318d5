// The read script for one tenant: one bulk Get-* per kind (never one call per object), every value
// converted to plain JSON inside PowerShell (GUIDs and enums to strings, multi-valued properties to
// string arrays), so the snapshot does not depend on how a module version serializes objects.
// Its cost in remote calls is constant in the number of objects: one per kind, plus two per scope
// group the repository names or a live RemoteOutbound relationship publishes.

import type { Resource } from '../model/desired.js';
import { connectCommand, DISCONNECT_COMMAND, SCRIPT_PREFERENCES, titleComment } from './session.js';
import { psArray } from './literal.js';
import { DEFAULT_RETRY, retryFunction, type RetrySettings } from './retry.js';

export const SNAPSHOT_BEGIN = '<<<exo-gitops:snapshot';
export const SNAPSHOT_END = 'exo-gitops:snapshot>>>';

type Conversion = 'text' | 'bool' | 'int' | 'list';

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
  }
}

function record(variable: string, properties: ReadonlyArray<readonly [string, Conversion]>, indent: string, extra: string[] = []): string {
  const lines = properties.map(([name, conversion]) => `${indent}  ${name} = ${convert(variable, name, conversion)}`);
  return `[ordered]@{\n${[...lines, ...extra.map((e) => `${indent}  ${e}`)].join('\n')}\n${indent}}`;
}

const CUSTOM_ATTRIBUTES = Array.from({ length: 15 }, (_, i) => [`CustomAttribute${i + 1}`, 'text'] as const);

const RELATIONSHIP = [
  ['Name', 'text'], ['DomainNames', 'list'], ['Enabled', 'bool'], ['MailboxMoveEnabled', 'bool'],
  ['MailboxMoveCapability', 'text'], ['OAuthApplicationId', 'text'], ['MailboxMovePublishedScopes', 'list'],
] as const;
const ENDPOINT = [
  ['Identity', 'text'], ['EndpointType', 'text'], ['RemoteServer', 'text'], ['RemoteTenant', 'text'],
  ['ApplicationId', 'text'], ['MaxConcurrentMigrations', 'int'],
] as const;
const GROUP = [['Name', 'text'], ['Alias', 'text'], ['PrimarySmtpAddress', 'text'], ['RecipientTypeDetails', 'text'], ['IsDirSynced', 'bool']] as const;
const MAIL_USER = [
  ['Name', 'text'], ['Alias', 'text'], ['PrimarySmtpAddress', 'text'], ['ExternalEmailAddress', 'text'],
  ['MicrosoftOnlineServicesID', 'text'], ['ExchangeGuid', 'text'], ['ArchiveGuid', 'text'], ['LegacyExchangeDN', 'text'],
  ['EmailAddresses', 'list'], ['IsDirSynced', 'bool'], ['RecipientTypeDetails', 'text'], ...CUSTOM_ATTRIBUTES,
] as const;
const MAILBOX = [
  ['Name', 'text'], ['Alias', 'text'], ['PrimarySmtpAddress', 'text'], ['ExchangeGuid', 'text'], ['ArchiveGuid', 'text'],
  ['LegacyExchangeDN', 'text'], ['EmailAddresses', 'list'], ['RecipientTypeDetails', 'text'], ['IsDirSynced', 'bool'],
  ['IsExchangeCloudManaged', 'bool'], ['LitigationHoldEnabled', 'bool'], ['DelayHoldApplied', 'bool'],
  ['DelayReleaseHoldApplied', 'bool'], ['ComplianceTagHoldApplied', 'bool'], ['InPlaceHolds', 'list'],
  ['GrantSendOnBehalfTo', 'list'], ...CUSTOM_ATTRIBUTES,
] as const;

export interface ExportScriptOptions {
  /** Scope groups the repository names in this tenant: only their membership is read. */
  groups: readonly string[];
  retry?: Partial<RetrySettings>;
}

export function exportScript(tenant: Resource<'Tenant'>, options: ExportScriptOptions): string {
  return `${titleComment(`exo-gitops export: read-only. Tenant ${tenant.name} (${tenant.spec.organization}).`)}
${SCRIPT_PREFERENCES}
${retryFunction({ ...DEFAULT_RETRY, ...options.retry })}

${connectCommand(tenant.spec)}
try {
  $state = [ordered]@{}
  $organization = Invoke-ExoCall { Get-OrganizationConfig -ErrorAction Stop }
  $state.OrganizationConfig = [ordered]@{ IsDehydrated = [bool]$organization.IsDehydrated }
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
  foreach ($groupName in $groupNames) {
    $group = $null
    try {
      $group = Invoke-ExoCall { Get-DistributionGroup -Identity $groupName -ErrorAction Stop }
    } catch {
      if ($_.Exception.Message -notlike '*couldn''t be found*') { throw }
    }
    # One group may be named twice (by its name and by its address): read it once.
    if ($null -ne $group -and -not $seen.ContainsKey([string]$group.Name)) {
      $seen[[string]$group.Name] = $true
      $members = @(Invoke-ExoCall { Get-DistributionGroupMember -Identity $group.Name -ResultSize Unlimited -ErrorAction Stop } | ForEach-Object { [string]$_.PrimarySmtpAddress })
      $groups += ${record('$group', GROUP, '      ', ['Members = $members'])}
    }
  }
  $state.DistributionGroup = $groups
  $previous = @{}
  Invoke-ExoCall { Get-User -ResultSize Unlimited -RecipientTypeDetails MailUser -ErrorAction Stop } | ForEach-Object { $previous[[string]$_.Identity] = [string]$_.PreviousRecipientTypeDetails }
  $state.MailUser = @(Invoke-ExoCall { Get-MailUser -ResultSize Unlimited -ErrorAction Stop } | ForEach-Object { $u = $_; ${record('$u', MAIL_USER, '    ', ['PreviousRecipientTypeDetails = [string]$previous[[string]$u.Identity]'])} })
  $state.Mailbox = @(Invoke-ExoCall { Get-Mailbox -ResultSize Unlimited -ErrorAction Stop } | ForEach-Object { $m = $_; ${record('$m', MAILBOX, '    ')} })
  Write-Output '${SNAPSHOT_BEGIN}'
  Write-Output ($state | ConvertTo-Json -Depth 8 -Compress)
  Write-Output '${SNAPSHOT_END}'
} finally {
  ${DISCONNECT_COMMAND}
}
`;
}
