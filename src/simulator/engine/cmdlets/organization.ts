// Organization-level cmdlets: relationships, accepted domains, organization config.
import type { OrganizationRelationshipEntry } from '../../../model/snapshot.js';
import { isMultiValuedChange } from '../bound.js';
import { exchangeError } from '../../errors.js';
import { toStr } from '../../values.js';
import {
  ambiguous,
  type ExchangeCall,
  type ExchangeCmdlet,
  emitList,
  has,
  notFound,
  outputValue,
  requireIdentity,
  requireNoPrompt,
  stringValue,
  supportOnly,
  toObject,
  value,
} from './common.js';

function relationshipObject(entry: OrganizationRelationshipEntry) {
  return toObject(entry, 'Microsoft.Exchange.Data.Directory.SystemConfiguration.OrganizationRelationship', [['Identity', entry.Name]]);
}

function findRelationship(call: ExchangeCall, identity: string): OrganizationRelationshipEntry {
  const lower = identity.toLowerCase();
  const matches = call.state.snapshot.OrganizationRelationship.filter((entry) => entry.Name.toLowerCase() === lower);
  if (matches.length === 0) throw notFound(call.state, identity);
  if (matches.length > 1) throw ambiguous(identity);
  return matches[0]!;
}

/** MailboxMovePublishedScopes: at most one, and it must be a mail-enabled security group. */
function publishedScopes(call: ExchangeCall, current: string[]): string[] {
  const raw = value(call, 'MailboxMovePublishedScopes');
  let next: string[];
  if (isMultiValuedChange(raw)) {
    next = current.filter((scope) => !raw.remove.some((removed) => toStr(removed).toLowerCase() === scope.toLowerCase()));
    for (const added of raw.add) if (!next.some((scope) => scope.toLowerCase() === toStr(added).toLowerCase())) next.push(toStr(added));
  } else next = (raw as unknown[]).map(toStr);
  if (next.length > 1) {
    throw exchangeError(`Number of scopes specified '${next.length}' exeeds the allowed limit '1'`, 'InvalidOperationException', 'InvalidArgument');
  }
  return next.map((scope) => {
    const groups = call.state.findRecipients(scope, ['DistributionGroup']);
    if (groups.length === 0) throw notFound(call.state, scope);
    if (groups.length > 1) throw ambiguous(scope);
    const group = groups[0]!.entry;
    if (!('RecipientTypeDetails' in group) || group.RecipientTypeDetails !== 'MailUniversalSecurityGroup') {
      throw exchangeError(`The group '${scope}' can't be used as a published scope because it isn't a mail-enabled security group.`, 'InvalidOperationException', 'InvalidArgument', scope);
    }
    return group.Name;
  });
}

function domainNames(call: ExchangeCall, current: string[], self: OrganizationRelationshipEntry | null): string[] {
  const raw = value(call, 'DomainNames');
  let next: string[];
  if (isMultiValuedChange(raw)) {
    next = current.filter((domain) => !raw.remove.some((removed) => toStr(removed).toLowerCase() === domain.toLowerCase()));
    for (const added of raw.add) if (!next.some((domain) => domain.toLowerCase() === toStr(added).toLowerCase())) next.push(toStr(added));
  } else next = (raw as unknown[]).map(toStr);
  for (const domain of next) {
    const other = call.state.snapshot.OrganizationRelationship.find((entry) => entry !== self && entry.DomainNames.some((existing) => existing.toLowerCase() === domain.toLowerCase()));
    if (other) {
      throw exchangeError(`The domain '${domain}' is already used by the organization relationship '${other.Name}'. A domain can be used by only one organization relationship.`, 'DuplicateOrganizationRelationshipDomainException', 'InvalidArgument', domain);
    }
  }
  return next;
}

const RELATIONSHIP_FIELDS = ['Enabled', 'MailboxMoveEnabled', 'MailboxMoveCapability', 'OAuthApplicationId'] as const;
const RELATIONSHIP_HANDLED = ['Identity', 'Name', 'DomainNames', 'MailboxMovePublishedScopes', ...RELATIONSHIP_FIELDS];

function applyRelationshipFields(call: ExchangeCall, entry: OrganizationRelationshipEntry): void {
  if (has(call, 'Enabled')) entry.Enabled = value(call, 'Enabled') as boolean;
  if (has(call, 'MailboxMoveEnabled')) entry.MailboxMoveEnabled = value(call, 'MailboxMoveEnabled') as boolean;
  if (has(call, 'MailboxMoveCapability')) entry.MailboxMoveCapability = toStr(value(call, 'MailboxMoveCapability'));
  if (has(call, 'OAuthApplicationId')) entry.OAuthApplicationId = stringValue(call, 'OAuthApplicationId');
}

const getOrganizationRelationship: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity']);
  const identity = stringValue(call, 'Identity');
  if (identity !== null) {
    call.emit(relationshipObject(findRelationship(call, identity)));
    return;
  }
  emitList(call, call.state.snapshot.OrganizationRelationship.map(relationshipObject));
};

const newOrganizationRelationship: ExchangeCmdlet = (call) => {
  supportOnly(call, RELATIONSHIP_HANDLED);
  const name = stringValue(call, 'Name') ?? '';
  if (call.state.snapshot.OrganizationRelationship.some((entry) => entry.Name.toLowerCase() === name.toLowerCase())) {
    throw exchangeError(`An organization relationship with the name "${name}" already exists. Please try another name.`, 'ADObjectAlreadyExistsException', 'ResourceExists', name);
  }
  const entry: OrganizationRelationshipEntry = {
    Name: name,
    DomainNames: domainNames(call, [], null),
    Enabled: true,
    MailboxMoveEnabled: false,
    MailboxMoveCapability: 'None',
    OAuthApplicationId: null,
    MailboxMovePublishedScopes: has(call, 'MailboxMovePublishedScopes') ? publishedScopes(call, []) : [],
  };
  applyRelationshipFields(call, entry);
  call.state.snapshot.OrganizationRelationship.push(entry);
  call.state.markDirty();
  call.emit(relationshipObject(entry));
};

const setOrganizationRelationship: ExchangeCmdlet = (call) => {
  supportOnly(call, RELATIONSHIP_HANDLED);
  const entry = findRelationship(call, requireIdentity(call));
  const scopes = has(call, 'MailboxMovePublishedScopes') ? publishedScopes(call, entry.MailboxMovePublishedScopes) : null;
  const domains = has(call, 'DomainNames') ? domainNames(call, entry.DomainNames, entry) : null;
  const newName = stringValue(call, 'Name');
  if (newName && newName.toLowerCase() !== entry.Name.toLowerCase() && call.state.snapshot.OrganizationRelationship.some((other) => other.Name.toLowerCase() === newName.toLowerCase())) {
    throw exchangeError(`An organization relationship with the name "${newName}" already exists. Please try another name.`, 'ADObjectAlreadyExistsException', 'ResourceExists', newName);
  }
  applyRelationshipFields(call, entry);
  if (scopes) entry.MailboxMovePublishedScopes = scopes;
  if (domains) entry.DomainNames = domains;
  if (newName) entry.Name = newName;
  call.state.markDirty();
};

const removeOrganizationRelationship: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity']);
  const entry = findRelationship(call, requireIdentity(call));
  requireNoPrompt(call);
  call.state.snapshot.OrganizationRelationship = call.state.snapshot.OrganizationRelationship.filter((candidate) => candidate !== entry);
  call.state.markDirty();
};

const getAcceptedDomain: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity']);
  const identity = stringValue(call, 'Identity');
  const domains = call.state.snapshot.AcceptedDomain.filter((domain) => identity === null || domain.DomainName.toLowerCase() === identity.toLowerCase() || (domain as { Name?: string }).Name?.toLowerCase() === identity.toLowerCase());
  if (identity !== null && domains.length === 0) throw notFound(call.state, identity);
  emitList(call, domains.map((domain) => toObject(domain, 'Microsoft.Exchange.Data.Directory.SystemConfiguration.AcceptedDomain', [['Name', (domain as { Name?: string }).Name ?? domain.DomainName], ['Identity', domain.DomainName]])));
};

/**
 * Get-OrganizationConfig: the state's OrganizationConfig as it is (IsDehydrated, InPlaceHolds and
 * ExchangeAttributesCloudManagedByDefault where the state holds them), and the tenant's ID as
 * ExternalDirectoryOrganizationId (the state's tenant.tenantId).
 */
const getOrganizationConfig: ExchangeCmdlet = (call) => {
  supportOnly(call, []);
  call.emit(
    toObject(call.state.snapshot.OrganizationConfig, 'Microsoft.Exchange.Data.Directory.Management.OrganizationConfig', [
      ['Name', call.state.organization],
      ['Identity', call.state.organization],
      ['Guid', call.state.snapshot.tenant.tenantId],
      ['ExternalDirectoryOrganizationId', outputValue('ExternalDirectoryOrganizationId', call.state.snapshot.tenant.tenantId)],
    ]),
  );
};

/**
 * Set-OrganizationConfig: the tenant default for new synced mailboxes, one of two switches
 * (-ExchangeAttributesCloudManagedByDefault / -ExchangeAttributesServerManagedByDefault). A dehydrated
 * tenant refuses it until Enable-OrganizationCustomization, in Exchange Online's words.
 */
const setOrganizationConfig: ExchangeCmdlet = (call) => {
  supportOnly(call, ['ExchangeAttributesCloudManagedByDefault', 'ExchangeAttributesServerManagedByDefault']);
  const cloud = value(call, 'ExchangeAttributesCloudManagedByDefault') === true;
  const server = value(call, 'ExchangeAttributesServerManagedByDefault') === true;
  if (cloud && server) {
    throw exchangeError("The ExchangeAttributesCloudManagedByDefault and ExchangeAttributesServerManagedByDefault parameters can't be used together.", 'ArgumentException', 'InvalidArgument');
  }
  const config = call.state.snapshot.OrganizationConfig;
  if (config.IsDehydrated) {
    throw exchangeError(
      "The command you tried to run isn't currently allowed in your organization. To run this command, you first need to run the command: Enable-OrganizationCustomization.",
      'InvalidOperationException',
      'InvalidOperation',
    );
  }
  if (!cloud && !server) {
    call.warn('The command completed successfully but no settings of \'' + call.state.organization + '\' have been modified.');
    return;
  }
  config.ExchangeAttributesCloudManagedByDefault = cloud;
  call.state.markDirty();
};

const enableOrganizationCustomization: ExchangeCmdlet = (call) => {
  supportOnly(call, []);
  if (!call.state.snapshot.OrganizationConfig.IsDehydrated) {
    throw exchangeError('This operation is not required. Organization is already enabled for customization.', 'InvalidOperationException', 'InvalidOperation');
  }
  call.state.snapshot.OrganizationConfig.IsDehydrated = false;
  call.state.markDirty();
};

export const organizationCmdlets: Record<string, ExchangeCmdlet> = {
  'Get-OrganizationRelationship': getOrganizationRelationship,
  'New-OrganizationRelationship': newOrganizationRelationship,
  'Set-OrganizationRelationship': setOrganizationRelationship,
  'Remove-OrganizationRelationship': removeOrganizationRelationship,
  'Get-AcceptedDomain': getAcceptedDomain,
  'Get-OrganizationConfig': getOrganizationConfig,
  'Set-OrganizationConfig': setOrganizationConfig,
  'Enable-OrganizationCustomization': enableOrganizationCustomization,
};
