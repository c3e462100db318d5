// Distribution groups (the migration scope group) and their members.
import type { DistributionGroupEntry } from '../../../model/snapshot.js';
import { exchangeError } from '../../errors.js';
import type { RecipientRef } from '../state.js';
import { toStr } from '../../values.js';
import {
  aliasFrom,
  defaultDomain,
  dirSyncError,
  type ExchangeCall,
  type ExchangeCmdlet,
  emitList,
  has,
  requireIdentity,
  requireNoPrompt,
  resolveRecipient,
  stringValue,
  supportOnly,
  toObject,
  validateAddresses,
  value,
} from './common.js';

function groupObject(entry: DistributionGroupEntry) {
  return toObject(entry, 'Microsoft.Exchange.Data.Directory.Management.DistributionGroup', [['Identity', entry.Name]], ['Members']);
}

function findGroup(call: ExchangeCall, identity: string): DistributionGroupEntry {
  return resolveRecipient(call, identity, ['DistributionGroup']).entry as DistributionGroupEntry;
}

/** A member as Exchange resolves it; unknown members get Exchange's "Couldn't find object" error. */
function resolveMember(call: ExchangeCall, identity: string): RecipientRef {
  const found = call.state.findRecipients(identity);
  if (found.length === 0) {
    throw exchangeError(`Couldn't find object "${identity}". Please make sure that it was spelled correctly or specify a different object.`, 'ManagementObjectNotFoundException', 'NotSpecified', identity);
  }
  if (found.length > 1) {
    throw exchangeError(`The operation couldn't be performed because '${identity}' matches multiple entries.`, 'ManagementObjectAmbiguousException', 'NotSpecified', identity);
  }
  return found[0]!;
}

function memberObject(call: ExchangeCall, address: string) {
  const found = call.state.findRecipients(address);
  const ref = found[0];
  if (!ref) return toObject({ Name: address, PrimarySmtpAddress: address }, 'Microsoft.Exchange.Data.Directory.Management.ReducedRecipient', [['Identity', address]]);
  const entry = ref.entry;
  return toObject(
    {
      Name: entry.Name,
      Alias: 'Alias' in entry ? entry.Alias : '',
      PrimarySmtpAddress: entry.PrimarySmtpAddress,
      RecipientType: ref.kind === 'Mailbox' ? 'UserMailbox' : ref.kind === 'MailUser' ? 'MailUser' : entry.RecipientTypeDetails,
      RecipientTypeDetails: entry.RecipientTypeDetails,
      ExchangeGuid: 'ExchangeGuid' in entry ? entry.ExchangeGuid : undefined,
    },
    'Microsoft.Exchange.Data.Directory.Management.ReducedRecipient',
    [['Identity', entry.Name]],
  );
}

function guardSynced(call: ExchangeCall, group: DistributionGroupEntry, attribute: string): void {
  if (group.IsDirSynced) throw dirSyncError(call.bound.cmdlet, attribute, group.Name);
}

const getDistributionGroup: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity', 'RecipientTypeDetails']);
  const identity = stringValue(call, 'Identity');
  if (identity !== null) {
    call.emit(groupObject(findGroup(call, identity)));
    return;
  }
  const types = has(call, 'RecipientTypeDetails') ? (value(call, 'RecipientTypeDetails') as unknown[]).map((type) => toStr(type).toLowerCase()) : null;
  emitList(call, call.state.snapshot.DistributionGroup.filter((group) => !types || types.includes(group.RecipientTypeDetails.toLowerCase())).map(groupObject));
};

const newDistributionGroup: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Name', 'Alias', 'DisplayName', 'PrimarySmtpAddress', 'Type', 'Members', 'Notes', 'ManagedBy', 'MemberJoinRestriction', 'MemberDepartRestriction', 'RequireSenderAuthenticationEnabled', 'CopyOwnerToMember', 'IgnoreNamingPolicy']);
  const name = stringValue(call, 'Name') ?? '';
  if (call.state.findRecipients(name).some((ref) => ref.entry.Name.toLowerCase() === name.toLowerCase())) {
    throw exchangeError(`The name "${name}" is already being used. Please try another name.`, 'ADObjectAlreadyExistsException', 'ResourceExists', name);
  }
  const alias = stringValue(call, 'Alias') ?? aliasFrom(name);
  const primary = stringValue(call, 'PrimarySmtpAddress') ?? `${alias}@${defaultDomain(call.state)}`;
  validateAddresses(call, [`SMTP:${primary}`], null, null);
  const members = has(call, 'Members') ? (value(call, 'Members') as unknown[]).map((member) => resolveMember(call, toStr(member)).entry.PrimarySmtpAddress) : [];
  const entry: DistributionGroupEntry = {
    Name: name,
    Alias: alias,
    PrimarySmtpAddress: primary,
    RecipientTypeDetails: stringValue(call, 'Type') === 'Security' ? 'MailUniversalSecurityGroup' : 'MailUniversalDistributionGroup',
    IsDirSynced: false,
    Members: [...new Set(members)],
  };
  call.state.addRecipient({ kind: 'DistributionGroup', entry });
  call.emit(groupObject(entry));
};

const getDistributionGroupMember: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity']);
  const group = findGroup(call, requireIdentity(call));
  emitList(call, group.Members.map((address) => memberObject(call, address)));
};

function isMember(group: DistributionGroupEntry, member: RecipientRef): boolean {
  const address = member.entry.PrimarySmtpAddress.toLowerCase();
  return group.Members.some((existing) => existing.toLowerCase() === address);
}

const addDistributionGroupMember: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity', 'Member', 'BypassSecurityGroupManagerCheck']);
  const group = findGroup(call, requireIdentity(call));
  const memberIdentity = stringValue(call, 'Member') ?? '';
  const member = resolveMember(call, memberIdentity);
  guardSynced(call, group, 'Members');
  if (isMember(group, member)) {
    throw exchangeError(`The recipient "${memberIdentity}" is already a member of the group "${group.Name}".`, 'MemberAlreadyExistsException', 'NotSpecified', memberIdentity);
  }
  call.state.updateRecipient(group, () => group.Members.push(member.entry.PrimarySmtpAddress));
};

const removeDistributionGroupMember: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity', 'Member', 'BypassSecurityGroupManagerCheck']);
  const group = findGroup(call, requireIdentity(call));
  const memberIdentity = stringValue(call, 'Member') ?? '';
  const member = resolveMember(call, memberIdentity);
  guardSynced(call, group, 'Members');
  if (!isMember(group, member)) {
    throw exchangeError(`The recipient "${memberIdentity}" isn't a member of the group "${group.Name}".`, 'MemberNotFoundException', 'NotSpecified', memberIdentity);
  }
  requireNoPrompt(call);
  const address = member.entry.PrimarySmtpAddress.toLowerCase();
  call.state.updateRecipient(group, () => {
    group.Members = group.Members.filter((existing) => existing.toLowerCase() !== address);
  });
};

const updateDistributionGroupMember: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity', 'Members', 'BypassSecurityGroupManagerCheck']);
  const group = findGroup(call, requireIdentity(call));
  const members = has(call, 'Members') ? (value(call, 'Members') as unknown[]) : [];
  if (!Array.isArray(members)) {
    throw exchangeError('Update-DistributionGroupMember -Members replaces the whole list: pass the list, not @{Add=...; Remove=...}.', 'ArgumentException', 'InvalidArgument');
  }
  const addresses = [...new Set(members.map((member) => resolveMember(call, toStr(member)).entry.PrimarySmtpAddress))];
  guardSynced(call, group, 'Members');
  requireNoPrompt(call);
  call.state.updateRecipient(group, () => {
    group.Members = addresses;
  });
};

export const groupCmdlets: Record<string, ExchangeCmdlet> = {
  'Get-DistributionGroup': getDistributionGroup,
  'New-DistributionGroup': newDistributionGroup,
  'Get-DistributionGroupMember': getDistributionGroupMember,
  'Add-DistributionGroupMember': addDistributionGroupMember,
  'Remove-DistributionGroupMember': removeDistributionGroupMember,
  'Update-DistributionGroupMember': updateDistributionGroupMember,
};
