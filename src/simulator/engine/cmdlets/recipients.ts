// Mail users (MEUs), mailboxes and users: identity resolution, address rules, directory sync.
import type { MailboxEntry, MailUserEntry } from '../../../model/snapshot.js';
import { holdsOf, organizationHoldsOf } from '../../../model/holds.js';
import { DEFAULT_RECOVERABLE_ITEMS_QUOTA_BYTES, EMPTY_GUID, HOLD_RECOVERABLE_ITEMS_QUOTA_BYTES } from '../../../model/snapshot.js';
import { isMultiValuedChange } from '../bound.js';
import { exchangeError, NotSupportedError } from '../../errors.js';
import type { RecipientRef } from '../state.js';
import { smtpOf } from '../state.js';
import { PSObject, type PSGuid, toStr } from '../../values.js';
import { EXO_MAILBOX_PROPERTY_SETS, requestedProperties } from './property-sets.js';
import {
  aliasFrom,
  applyEmailAddresses,
  byteQuantifiedSize,
  CUSTOM_ATTRIBUTES,
  defaultDomain,
  dirSyncError,
  EXCHANGE_ATTRIBUTES,
  type ExchangeCall,
  type ExchangeCmdlet,
  EXTENSION_ATTRIBUTES,
  emitList,
  has,
  IDENTITY_ATTRIBUTES,
  legacyExchangeDN,
  outputValue,
  primaryOf,
  requireIdentity,
  requireNoPrompt,
  resolveRecipient,
  stringValue,
  supportOnly,
  toObject,
  validateAddresses,
  value,
} from './common.js';

/**
 * A mail user as Get-MailUser prints it. The state keeps RecoverableItemsQuota in bytes, as snapshots
 * do (RecoverableItemsQuotaBytes, null for Unlimited); Exchange prints the ByteQuantifiedSize text.
 * GrantSendOnBehalfTo is always printed (Exchange's MailUser has it): empty when the state holds none
 * (a moved mailbox's legacy mail user keeps the mailbox's, moves.ts).
 */
function mailUserObject(entry: MailUserEntry) {
  const quota: [string, unknown][] = 'RecoverableItemsQuotaBytes' in entry ? [['RecoverableItemsQuota', byteQuantifiedSize(entry.RecoverableItemsQuotaBytes ?? null)]] : [];
  const sendOnBehalf: [string, unknown][] = entry.GrantSendOnBehalfTo === undefined ? [['GrantSendOnBehalfTo', []]] : [];
  return toObject(
    entry,
    'Microsoft.Exchange.Data.Directory.Management.MailUser',
    [
      ['Identity', entry.Name],
      ['RecipientType', 'MailUser'],
      ...quota,
      ...sendOnBehalf,
    ],
    ['RecoverableItemsQuotaBytes'],
  );
}

/**
 * A mailbox's RecoverableItemsQuota in bytes (null: Unlimited): what the state holds, else Exchange
 * Online's default, 30 GB, raised to 100 GB by a hold on the mailbox or an organization-wide policy
 * that holds it (model/holds.ts; model/snapshot.ts cites Microsoft for the quotas).
 */
function mailboxRecoverableItemsQuota(entry: MailboxEntry, organizationHolds: readonly string[]): number | null {
  if ('RecoverableItemsQuotaBytes' in entry) return entry.RecoverableItemsQuotaBytes ?? null;
  const held = holdsOf(entry).length > 0 || organizationHoldsOf(organizationHolds, entry).length > 0;
  return held ? HOLD_RECOVERABLE_ITEMS_QUOTA_BYTES : DEFAULT_RECOVERABLE_ITEMS_QUOTA_BYTES;
}

const organizationHoldsIn = (call: ExchangeCall): readonly string[] => call.state.snapshot.OrganizationConfig.InPlaceHolds ?? [];

function mailboxObject(entry: MailboxEntry, organizationHolds: readonly string[]) {
  return toObject(
    entry,
    'Microsoft.Exchange.Data.Directory.Management.Mailbox',
    [
      ['Identity', entry.Name],
      ['RecipientType', 'UserMailbox'],
      ['RecoverableItemsQuota', byteQuantifiedSize(mailboxRecoverableItemsQuota(entry, organizationHolds))],
    ],
    ['RecoverableItemsQuotaBytes'],
  );
}

function withExternal(address: string): string {
  return /^[a-z0-9]+:/i.test(address) ? `${address.slice(0, address.indexOf(':')).toUpperCase()}:${address.slice(address.indexOf(':') + 1)}` : `SMTP:${address}`;
}

const ATTRIBUTE_PARAMETERS = [...CUSTOM_ATTRIBUTES, ...EXTENSION_ATTRIBUTES, 'HiddenFromAddressListsEnabled', 'DisplayName', 'Name', 'Alias', 'EmailAddresses', 'PrimarySmtpAddress', 'WindowsEmailAddress'];

/** Applies the attribute parameters both Set-MailUser and Set-Mailbox have. */
function applyCommonAttributes(call: ExchangeCall, ref: RecipientRef, exempt: string | null): void {
  const entry = ref.entry as MailUserEntry & Record<string, unknown>;
  if (has(call, 'EmailAddresses') && has(call, 'PrimarySmtpAddress')) {
    throw exchangeError("The EmailAddresses and PrimarySmtpAddress parameters can't be used together.", 'RecipientTaskException', 'InvalidArgument');
  }
  let proxies = entry.EmailAddresses;
  if (has(call, 'EmailAddresses')) proxies = applyEmailAddresses(entry.EmailAddresses, value(call, 'EmailAddresses'));
  const primaryParameter = stringValue(call, 'PrimarySmtpAddress') ?? stringValue(call, 'WindowsEmailAddress');
  if (primaryParameter) {
    proxies = applyEmailAddresses(proxies, { add: [`SMTP:${primaryParameter}`], remove: [] });
  }
  if (proxies !== entry.EmailAddresses) validateAddresses(call, proxies, ref.entry, exempt);
  const newName = stringValue(call, 'Name');
  if (newName && newName.toLowerCase() !== entry.Name.toLowerCase() && call.state.findRecipients(newName).some((other) => other.entry.Name.toLowerCase() === newName.toLowerCase())) {
    throw exchangeError(`The name "${newName}" is already being used. Please try another name.`, 'ADObjectAlreadyExistsException', 'ResourceExists', newName);
  }
  call.state.updateRecipient(ref.entry, () => {
    if (proxies !== entry.EmailAddresses) {
      entry.EmailAddresses = proxies;
      entry.PrimarySmtpAddress = primaryOf(proxies) ?? entry.PrimarySmtpAddress;
    }
    for (const name of [...CUSTOM_ATTRIBUTES, ...EXTENSION_ATTRIBUTES]) {
      if (!has(call, name)) continue;
      const given = value(call, name);
      entry[name] = Array.isArray(given) ? given.map(toStr) : (stringValue(call, name) ?? '');
    }
    if (has(call, 'HiddenFromAddressListsEnabled')) entry['HiddenFromAddressListsEnabled'] = value(call, 'HiddenFromAddressListsEnabled');
    if (has(call, 'DisplayName')) entry['DisplayName'] = stringValue(call, 'DisplayName');
    if (newName) entry.Name = newName;
    if (has(call, 'Alias')) entry.Alias = stringValue(call, 'Alias') ?? entry.Alias;
  });
}

// ---- mail users ---------------------------------------------------------------------------

const getMailUser: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity']);
  const identity = stringValue(call, 'Identity');
  if (identity !== null) {
    call.emit(mailUserObject(resolveRecipient(call, identity, ['MailUser']).entry as MailUserEntry));
    return;
  }
  emitList(call, call.state.snapshot.MailUser.map(mailUserObject));
};

const newMailUser: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Name', 'ExternalEmailAddress', 'MicrosoftOnlineServicesID', 'Password', 'PrimarySmtpAddress', 'Alias', 'FirstName', 'LastName', 'DisplayName', 'Initials', 'ResetPasswordOnNextLogon']);
  const name = stringValue(call, 'Name') ?? '';
  if (call.state.findRecipients(name).some((ref) => ref.entry.Name.toLowerCase() === name.toLowerCase())) {
    throw exchangeError(`The name "${name}" is already being used. Please try another name.`, 'ADObjectAlreadyExistsException', 'ResourceExists', name);
  }
  const external = stringValue(call, 'ExternalEmailAddress');
  const microsoftOnlineServicesId = stringValue(call, 'MicrosoftOnlineServicesID');
  const alias = stringValue(call, 'Alias') ?? aliasFrom(microsoftOnlineServicesId ?? name);
  const externalAddress = external ? (smtpOf(withExternal(external)) ?? external) : null;
  // -PrimarySmtpAddress binds but works only on-premises ("This parameter is functional only in
  // on-premises Exchange"): in Exchange Online the new MEU's primary address is its external
  // address. A follow-up Set-MailUser -EmailAddresses @{Add='SMTP:…'} sets another primary.
  const primary = externalAddress ?? microsoftOnlineServicesId ?? `${alias}@${defaultDomain(call.state)}`;
  const proxies = [`SMTP:${primary}`];
  const initial = `${alias}@${call.state.organization}`;
  if (initial.toLowerCase() !== primary.toLowerCase()) proxies.push(`smtp:${initial}`);
  validateAddresses(call, proxies, null, externalAddress);
  const entry: MailUserEntry = {
    Name: name,
    Alias: alias,
    PrimarySmtpAddress: primary,
    ExternalEmailAddress: external ? withExternal(external) : null,
    MicrosoftOnlineServicesID: microsoftOnlineServicesId,
    ExchangeGuid: EMPTY_GUID,
    ArchiveGuid: EMPTY_GUID,
    LegacyExchangeDN: legacyExchangeDN(alias),
    EmailAddresses: proxies,
    IsDirSynced: false,
    RecipientTypeDetails: 'MailUser',
    PreviousRecipientTypeDetails: 'None',
    // A new MEU has no license yet (no ExchangeT2TMbxMove) and Exchange Online's default dumpster quota.
    PersistedCapabilities: [],
    RecoverableItemsQuotaBytes: DEFAULT_RECOVERABLE_ITEMS_QUOTA_BYTES,
  };
  for (const attribute of CUSTOM_ATTRIBUTES) entry[attribute as `CustomAttribute${number}`] = '';
  if (has(call, 'DisplayName')) (entry as unknown as Record<string, unknown>)['DisplayName'] = stringValue(call, 'DisplayName');
  call.state.addRecipient({ kind: 'MailUser', entry });
  call.emit(mailUserObject(entry));
};

const SET_MAIL_USER_HANDLED = ['Identity', ...ATTRIBUTE_PARAMETERS, 'ExchangeGuid', 'ArchiveGuid', 'ExternalEmailAddress', 'MicrosoftOnlineServicesID'];

const setMailUser: ExchangeCmdlet = (call) => {
  supportOnly(call, SET_MAIL_USER_HANDLED);
  const ref = resolveRecipient(call, requireIdentity(call), ['MailUser']);
  const entry = ref.entry as MailUserEntry;
  if (entry.IsDirSynced) {
    // A synced mail user has no cloud-managed switch: every attribute belongs on-premises.
    const first = call.bound.order.find((name) => name !== 'Identity' && (EXCHANGE_ATTRIBUTES.has(name) || IDENTITY_ATTRIBUTES.has(name) || SET_MAIL_USER_HANDLED.includes(name)));
    if (first) throw dirSyncError('Set-MailUser', first, entry.Name);
  }
  const external = stringValue(call, 'ExternalEmailAddress');
  const exempt = external ? smtpOf(withExternal(external)) : entry.ExternalEmailAddress ? smtpOf(entry.ExternalEmailAddress) : null;
  applyCommonAttributes(call, ref, exempt);
  call.state.updateRecipient(entry, () => {
    if (has(call, 'ExchangeGuid')) entry.ExchangeGuid = (value(call, 'ExchangeGuid') as PSGuid).value;
    if (has(call, 'ArchiveGuid')) entry.ArchiveGuid = (value(call, 'ArchiveGuid') as PSGuid).value;
    if (has(call, 'ExternalEmailAddress')) entry.ExternalEmailAddress = external ? withExternal(external) : null;
    if (has(call, 'MicrosoftOnlineServicesID')) entry.MicrosoftOnlineServicesID = stringValue(call, 'MicrosoftOnlineServicesID');
  });
};

// ---- mailboxes ----------------------------------------------------------------------------

const getMailbox: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity', 'RecipientTypeDetails']);
  const identity = stringValue(call, 'Identity');
  if (identity !== null) {
    call.emit(mailboxObject(resolveRecipient(call, identity, ['Mailbox']).entry as MailboxEntry, organizationHoldsIn(call)));
    return;
  }
  const types = has(call, 'RecipientTypeDetails') ? (value(call, 'RecipientTypeDetails') as unknown[]).map((type) => toStr(type).toLowerCase()) : null;
  const organizationHolds = organizationHoldsIn(call);
  emitList(call, call.state.snapshot.Mailbox.filter((mailbox) => !types || types.includes(mailbox.RecipientTypeDetails.toLowerCase())).map((mailbox) => mailboxObject(mailbox, organizationHolds)));
};

/**
 * One property of a mailbox as Get-EXOMailbox returns it: what the state holds, else what Exchange
 * derives from it (DisplayName, Id, RecipientType, UserPrincipalName); undefined when the state says
 * nothing, and the property is then left out, as a snapshot that lacks it.
 */
function exoMailboxProperty(entry: MailboxEntry, keys: Map<string, string>, name: string, organizationHolds: readonly string[]): { name: string; value: unknown } | undefined {
  if (name.toLowerCase() === 'recoverableitemsquotabytes') return undefined;
  const key = keys.get(name.toLowerCase());
  if (key !== undefined) return { name: key, value: outputValue(key, (entry as unknown as Record<string, unknown>)[key]) };
  const record = entry as unknown as Record<string, unknown>;
  switch (name.toLowerCase()) {
    case 'displayname':
      return { name: 'DisplayName', value: record['DisplayName'] ?? entry.Name };
    case 'id':
      return { name: 'Id', value: entry.Name };
    case 'recipienttype':
      return { name: 'RecipientType', value: 'UserMailbox' };
    case 'userprincipalname':
      return { name: 'UserPrincipalName', value: record['MicrosoftOnlineServicesID'] ?? entry.PrimarySmtpAddress };
    case 'recoverableitemsquota':
      return { name: 'RecoverableItemsQuota', value: byteQuantifiedSize(mailboxRecoverableItemsQuota(entry, organizationHolds)) };
    default:
      return undefined;
  }
}

function exoMailboxObject(entry: MailboxEntry, wanted: string[] | null, organizationHolds: readonly string[]): PSObject {
  const keys = new Map(Object.keys(entry).map((key) => [key.toLowerCase(), key]));
  const names = wanted ?? [...EXO_MAILBOX_PROPERTY_SETS['Minimum']!, ...Object.keys(entry), 'RecoverableItemsQuota'];
  const object = new PSObject([], 'Microsoft.Exchange.Management.RestApiClient.ExoMailbox');
  for (const name of names) {
    const property = exoMailboxProperty(entry, keys, name, organizationHolds);
    if (property && !object.has(property.name)) object.set(property.name, property.value);
  }
  return object;
}

/**
 * Get-EXOMailbox: the REST bulk reader. Returns the Minimum property set and the sets and properties
 * asked for, no more (property-sets.ts); a property the state does not hold is left out.
 */
const getExoMailbox: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity', 'PrimarySmtpAddress', 'UserPrincipalName', 'RecipientTypeDetails', 'PropertySets', 'Properties']);
  const wanted = requestedProperties(
    EXO_MAILBOX_PROPERTY_SETS,
    has(call, 'PropertySets') ? (value(call, 'PropertySets') as unknown[]).map(toStr) : [],
    has(call, 'Properties') ? (value(call, 'Properties') as unknown[]).map(toStr) : [],
  );
  const identity = stringValue(call, 'Identity') ?? stringValue(call, 'PrimarySmtpAddress') ?? stringValue(call, 'UserPrincipalName');
  if (identity !== null) {
    call.emit(exoMailboxObject(resolveRecipient(call, identity, ['Mailbox']).entry as MailboxEntry, wanted, organizationHoldsIn(call)));
    return;
  }
  const types = has(call, 'RecipientTypeDetails') ? (value(call, 'RecipientTypeDetails') as unknown[]).map((type) => toStr(type).toLowerCase()) : null;
  const organizationHolds = organizationHoldsIn(call);
  emitList(call, call.state.snapshot.Mailbox.filter((mailbox) => !types || types.includes(mailbox.RecipientTypeDetails.toLowerCase())).map((mailbox) => exoMailboxObject(mailbox, wanted, organizationHolds)));
};

const setMailbox: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity', ...ATTRIBUTE_PARAMETERS, 'IsExchangeCloudManaged', 'LitigationHoldEnabled', 'GrantSendOnBehalfTo']);
  const ref = resolveRecipient(call, requireIdentity(call), ['Mailbox']);
  const entry = ref.entry as MailboxEntry & Record<string, unknown>;
  if (has(call, 'IsExchangeCloudManaged')) {
    // The flag applies before the attribute changes of the same command (the reference puts the
    // other parameters in its set too).
    call.state.updateRecipient(entry, () => {
      entry.IsExchangeCloudManaged = value(call, 'IsExchangeCloudManaged') as boolean;
    });
  }
  if (entry.IsDirSynced) {
    for (const name of call.bound.order) {
      if (IDENTITY_ATTRIBUTES.has(name)) throw dirSyncError('Set-Mailbox', name, entry.Name);
      if (EXCHANGE_ATTRIBUTES.has(name) && !entry.IsExchangeCloudManaged) throw dirSyncError('Set-Mailbox', name, entry.Name);
    }
  }
  applyCommonAttributes(call, ref, null);
  call.state.updateRecipient(entry, () => {
    if (has(call, 'LitigationHoldEnabled')) entry.LitigationHoldEnabled = value(call, 'LitigationHoldEnabled') as boolean;
    if (has(call, 'GrantSendOnBehalfTo')) {
      const raw = value(call, 'GrantSendOnBehalfTo');
      const resolve = (identity: unknown) => resolveRecipient(call, toStr(identity), ['Mailbox', 'MailUser', 'DistributionGroup']).entry.PrimarySmtpAddress;
      if (isMultiValuedChange(raw)) {
        const removed = raw.remove.map(resolve).map((address) => address.toLowerCase());
        const next = entry.GrantSendOnBehalfTo.filter((address) => !removed.includes(address.toLowerCase()));
        for (const address of raw.add.map(resolve)) if (!next.some((existing) => existing.toLowerCase() === address.toLowerCase())) next.push(address);
        entry.GrantSendOnBehalfTo = next;
      } else entry.GrantSendOnBehalfTo = (raw as unknown[]).map(resolve);
    }
  });
};

// ---- users --------------------------------------------------------------------------------

function userObject(ref: RecipientRef) {
  const entry = ref.entry as MailUserEntry | MailboxEntry;
  const upn = ('MicrosoftOnlineServicesID' in entry && entry.MicrosoftOnlineServicesID) || ('UserPrincipalName' in entry && entry.UserPrincipalName) || entry.PrimarySmtpAddress;
  return toObject(
    {
      Name: entry.Name,
      UserPrincipalName: upn,
      RecipientType: ref.kind === 'Mailbox' ? 'UserMailbox' : 'MailUser',
      RecipientTypeDetails: entry.RecipientTypeDetails,
      PreviousRecipientTypeDetails: 'PreviousRecipientTypeDetails' in entry ? entry.PreviousRecipientTypeDetails : 'None',
      IsDirSynced: entry.IsDirSynced,
      WindowsEmailAddress: entry.PrimarySmtpAddress,
    },
    'Microsoft.Exchange.Data.Directory.Management.User',
    [['Identity', entry.Name]],
  );
}

const getUser: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity', 'RecipientTypeDetails']);
  const identity = stringValue(call, 'Identity');
  if (identity !== null) {
    call.emit(userObject(resolveRecipient(call, identity, ['MailUser', 'Mailbox'])));
    return;
  }
  const types = has(call, 'RecipientTypeDetails') ? (value(call, 'RecipientTypeDetails') as unknown[]).map((type) => toStr(type).toLowerCase()) : null;
  const refs: RecipientRef[] = [
    ...call.state.snapshot.Mailbox.map((entry) => ({ kind: 'Mailbox' as const, entry })),
    ...call.state.snapshot.MailUser.map((entry) => ({ kind: 'MailUser' as const, entry })),
  ].filter((ref) => !types || types.includes(ref.entry.RecipientTypeDetails.toLowerCase()));
  emitList(call, refs.map(userObject));
};

const setUser: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity', 'PermanentlyClearPreviousMailboxInfo']);
  const ref = resolveRecipient(call, requireIdentity(call), ['MailUser', 'Mailbox']);
  if (value(call, 'PermanentlyClearPreviousMailboxInfo') !== true) {
    throw new NotSupportedError('Set-User without -PermanentlyClearPreviousMailboxInfo is not supported by the simulator.');
  }
  if (ref.kind !== 'MailUser') {
    throw exchangeError(`The previous mailbox information of '${ref.entry.Name}' can't be cleared because the object has a mailbox.`, 'RecipientTaskException', 'InvalidOperation', ref.entry.Name);
  }
  requireNoPrompt(call);
  const entry = ref.entry as MailUserEntry;
  call.state.updateRecipient(entry, () => {
    entry.PreviousRecipientTypeDetails = 'None';
  });
};

export const recipientCmdlets: Record<string, ExchangeCmdlet> = {
  'Get-MailUser': getMailUser,
  'New-MailUser': newMailUser,
  'Set-MailUser': setMailUser,
  'Get-Mailbox': getMailbox,
  'Get-EXOMailbox': getExoMailbox,
  'Set-Mailbox': setMailbox,
  'Get-User': getUser,
  'Set-User': setUser,
};

