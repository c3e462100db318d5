// Mailbox permissions (FullAccess) and Send As (recipient permissions). The state keeps the explicit
// grants only, in the snapshot's shapes (MailboxPermission: MailboxGuid = the mailbox's ExchangeGuid,
// Identity its Name; RecipientPermission: Identity the recipient's Name), the trustee as Exchange
// prints it: a mailbox's UserPrincipalName, a mail user's MicrosoftOnlineServicesID (either falling
// back to the primary SMTP address), a group's Name. The NT AUTHORITY\SELF entries a mailbox has are
// derived on each read, never stored.
//   Get-EXOMailboxPermission / Get-MailboxPermission -Identity: SELF (a mailbox only), then the grants;
//     Get-MailboxPermission also reads a mail user's (Exchange Online keeps them: a moved mailbox's
//     legacy mail user still has the grants it had as a mailbox).
//   Add-MailboxPermission: FullAccess only; a mailbox or a mail user; to a mailbox, mail user or
//     mail-enabled security group. No prompt, as in Exchange Online.
//   Get-EXORecipientPermission / Get-RecipientPermission: every Send As grant of the tenant without
//     -Identity (no SELF entries in this bulk read, so reading a 50k-mailbox tenant costs what its grants
//     cost), or one recipient's grants with -Identity (plus SELF for a mailbox).
//   Add-RecipientPermission: SendAs on any recipient, prompts (needs -Confirm:$false).
// An existing grant is no error: a warning, and nothing changes.
import type { MailboxEntry, MailboxPermissionEntry, MailUserEntry, RecipientPermissionEntry } from '../../../model/snapshot.js';
import { EMPTY_GUID } from '../../../model/snapshot.js';
import { NotSupportedError } from '../../errors.js';
import type { RecipientKind, RecipientRef, TenantState } from '../state.js';
import { isMultiValuedChange } from '../bound.js';
import { PSObject, toStr } from '../../values.js';
import { type ExchangeCall, type ExchangeCmdlet, emitList, has, notFound, ambiguous, requireIdentity, requireNoPrompt, resolveRecipient, stringValue, supportOnly, value } from './common.js';

/** The trustee every mailbox has on itself, as Exchange prints it. */
export const SELF = 'NT AUTHORITY\\SELF';

// Reading never adds the collections to a state that has none (as batchesOf in batches.ts): a
// read-only call leaves the state file as it was. Only a write creates them.
export function mailboxPermissionsOf(state: TenantState): MailboxPermissionEntry[] {
  return state.snapshot.MailboxPermission ?? [];
}

export function recipientPermissionsOf(state: TenantState): RecipientPermissionEntry[] {
  return state.snapshot.RecipientPermission ?? [];
}

/** Stores a FullAccess grant (creating the collection on the first write). */
export function storeMailboxPermission(state: TenantState, entry: MailboxPermissionEntry): void {
  (state.snapshot.MailboxPermission ??= []).push(entry);
  state.markDirty();
}

function storeRecipientPermission(state: TenantState, entry: RecipientPermissionEntry): void {
  (state.snapshot.RecipientPermission ??= []).push(entry);
  state.markDirty();
}

const same = (a: string | null | undefined, b: string | null | undefined): boolean => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

/** A trustee as Exchange prints it: a mailbox's UPN, a mail user's MicrosoftOnlineServicesID (else the primary address), a group's Name. */
export function trusteeName(ref: RecipientRef): string {
  if (ref.kind === 'DistributionGroup') return ref.entry.Name;
  if (ref.kind === 'MailUser') return (ref.entry as MailUserEntry).MicrosoftOnlineServicesID || ref.entry.PrimarySmtpAddress;
  const mailbox = ref.entry as MailboxEntry & { MicrosoftOnlineServicesID?: string | null };
  return mailbox.UserPrincipalName || mailbox.MicrosoftOnlineServicesID || mailbox.PrimarySmtpAddress;
}

/** Who may hold a permission: a mailbox, a mail user, or a mail-enabled security group (a security principal). */
function isPrincipal(ref: RecipientRef): boolean {
  return ref.kind !== 'DistributionGroup' || ref.entry.RecipientTypeDetails === 'MailUniversalSecurityGroup';
}

/** Resolves a -User / -Trustee value to a security principal; anything else is not found, as Exchange reports it. */
export function resolveTrustee(state: TenantState, identity: string): RecipientRef {
  const found = state.findRecipients(identity).filter(isPrincipal);
  if (found.length === 0) throw notFound(state, identity);
  if (found.length > 1) throw ambiguous(identity);
  return found[0]!;
}

/** The recipient a stored trustee names, if it names exactly one principal (null for SELF or a gone user). */
export function storedTrustee(state: TenantState, trustee: string): RecipientRef | null {
  if (same(trustee, SELF)) return null;
  const found = state.findRecipients(trustee).filter(isPrincipal);
  return found.length === 1 ? found[0]! : null;
}

/** The stored FullAccess grants on a mailbox or mail user: its ExchangeGuid (and, without one, its Name). */
export function grantsOn(state: TenantState, entry: MailboxEntry | MailUserEntry): MailboxPermissionEntry[] {
  const guid = entry.ExchangeGuid;
  const noGuid = !guid || same(guid, EMPTY_GUID);
  return mailboxPermissionsOf(state).filter((grant) => same(grant.MailboxGuid, guid) && (!noGuid || same(grant.Identity, entry.Name)));
}

function sendAsGrantsOn(state: TenantState, entry: RecipientRef['entry']): RecipientPermissionEntry[] {
  return recipientPermissionsOf(state).filter((grant) => same(grant.Identity, entry.Name));
}

/** Exchange's warning for an access control entry that is already there (no error, nothing changes). */
function alreadyPresent(object: string, account: string): string {
  return `The appropriate access control entry is already present on the object "${object}" for account "${account}".`;
}

// ---- output -------------------------------------------------------------------------------

function mailboxPermissionObject(entry: { Identity: string; User: string; AccessRights: string[]; IsInherited: boolean; Deny: boolean }, typeName: string): PSObject {
  return new PSObject(
    [
      ['Identity', entry.Identity],
      ['User', entry.User],
      ['AccessRights', [...entry.AccessRights]],
      ['IsInherited', entry.IsInherited],
      ['Deny', entry.Deny],
      ['InheritanceType', 'All'],
    ],
    typeName,
  );
}

function recipientPermissionObject(entry: RecipientPermissionEntry, typeName: string): PSObject {
  return new PSObject(
    [
      ['Identity', entry.Identity],
      ['Trustee', entry.Trustee],
      ['AccessControlType', entry.AccessControlType],
      ['AccessRights', [...entry.AccessRights]],
      ['IsInherited', entry.IsInherited],
      ['InheritanceType', 'None'],
    ],
    typeName,
  );
}

// ---- mailbox permissions ------------------------------------------------------------------

/** The entries Get-*MailboxPermission print for one object: SELF for a mailbox, then its grants; -User filters by trustee. */
function mailboxPermissions(call: ExchangeCall, ref: RecipientRef, typeName: string): PSObject[] {
  const entry = ref.entry as MailboxEntry | MailUserEntry;
  const userFilter = stringValue(call, 'User');
  const wanted = userFilter === null ? null : resolveTrustee(call.state, userFilter);
  const rows: { Identity: string; User: string; AccessRights: string[]; IsInherited: boolean; Deny: boolean }[] = [];
  if (ref.kind === 'Mailbox' && wanted === null) rows.push({ Identity: entry.Name, User: SELF, AccessRights: ['FullAccess', 'ReadPermission'], IsInherited: false, Deny: false });
  for (const grant of grantsOn(call.state, entry)) {
    if (wanted !== null && storedTrustee(call.state, grant.User)?.entry !== wanted.entry) continue;
    rows.push(grant);
  }
  return rows.map((row) => mailboxPermissionObject(row, typeName));
}

const getExoMailboxPermission: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity', 'PrimarySmtpAddress', 'UserPrincipalName', 'User']);
  const identity = stringValue(call, 'Identity') ?? stringValue(call, 'PrimarySmtpAddress') ?? stringValue(call, 'UserPrincipalName');
  if (identity === null) throw new NotSupportedError('Get-EXOMailboxPermission without -Identity (every mailbox) is not supported by the simulator.');
  emitList(call, mailboxPermissions(call, resolveRecipient(call, identity, ['Mailbox']), 'Microsoft.Exchange.Management.RestApiClient.MailboxPermission'));
};

const getMailboxPermission: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity', 'User']);
  const ref = resolveRecipient(call, requireIdentity(call), ['Mailbox', 'MailUser']);
  emitList(call, mailboxPermissions(call, ref, 'Microsoft.Exchange.Management.RecipientTasks.MailboxAcePresentationObject'));
};

/** Only the access rights the simulator models; the others fail loudly. */
function accessRights(call: ExchangeCall, modelled: string): void {
  const raw = value(call, 'AccessRights');
  if (isMultiValuedChange(raw)) throw new NotSupportedError(`${call.bound.cmdlet} -AccessRights @{Add=…; Remove=…} is not supported by the simulator.`);
  const rights = (Array.isArray(raw) ? raw : [raw]).map(toStr);
  const other = rights.find((right) => !same(right, modelled));
  if (other !== undefined || rights.length === 0) throw new NotSupportedError(`${call.bound.cmdlet} -AccessRights ${other ?? ''} is not supported by the simulator (only ${modelled}).`);
}

const addMailboxPermission: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity', 'User', 'AccessRights', 'AutoMapping', 'InheritanceType']);
  accessRights(call, 'FullAccess');
  if (has(call, 'InheritanceType') && stringValue(call, 'InheritanceType') !== 'All') {
    throw new NotSupportedError(`Add-MailboxPermission -InheritanceType ${stringValue(call, 'InheritanceType') ?? ''} is not supported by the simulator (only All).`);
  }
  const ref = resolveRecipient(call, requireIdentity(call), ['Mailbox', 'MailUser']);
  const entry = ref.entry as MailboxEntry | MailUserEntry;
  const trustee = resolveTrustee(call.state, stringValue(call, 'User') ?? '');
  const user = trusteeName(trustee);
  // -AutoMapping only decides whether Outlook adds the mailbox; Get-* never prints it: not stored.
  if (grantsOn(call.state, entry).some((grant) => storedTrustee(call.state, grant.User)?.entry === trustee.entry || same(grant.User, user))) {
    call.warn(alreadyPresent(entry.Name, user));
    return;
  }
  const grant: MailboxPermissionEntry = { MailboxGuid: entry.ExchangeGuid, Identity: entry.Name, User: user, AccessRights: ['FullAccess'], IsInherited: false, Deny: false };
  storeMailboxPermission(call.state, grant);
  call.emit(mailboxPermissionObject(grant, 'Microsoft.Exchange.Management.RecipientTasks.MailboxAcePresentationObject'));
};

// ---- recipient permissions (Send As) ------------------------------------------------------

const RECIPIENT_KINDS: RecipientKind[] = ['Mailbox', 'MailUser', 'DistributionGroup'];

function recipientPermissions(call: ExchangeCall, identity: string | null, typeName: string): PSObject[] {
  const trusteeFilter = stringValue(call, 'Trustee');
  const wanted = trusteeFilter === null ? null : resolveTrustee(call.state, trusteeFilter);
  const keep = (grant: RecipientPermissionEntry) => wanted === null || storedTrustee(call.state, grant.Trustee)?.entry === wanted.entry;
  if (identity === null) {
    // The bulk read: every stored grant, no SELF entries (Exchange lists them per recipient; leaving
    // them out keeps a read of a 50k-mailbox tenant as cheap as its grants).
    return recipientPermissionsOf(call.state).filter(keep).map((grant) => recipientPermissionObject(grant, typeName));
  }
  const ref = resolveRecipient(call, identity, RECIPIENT_KINDS);
  const rows: RecipientPermissionEntry[] = [];
  if (ref.kind === 'Mailbox' && wanted === null) rows.push({ Identity: ref.entry.Name, Trustee: SELF, AccessRights: ['SendAs'], IsInherited: false, AccessControlType: 'Allow' });
  rows.push(...sendAsGrantsOn(call.state, ref.entry).filter(keep));
  return rows.map((row) => recipientPermissionObject(row, typeName));
}

const getExoRecipientPermission: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity', 'PrimarySmtpAddress', 'UserPrincipalName', 'Trustee', 'AccessRights']);
  const identity = stringValue(call, 'Identity') ?? stringValue(call, 'PrimarySmtpAddress') ?? stringValue(call, 'UserPrincipalName');
  emitList(call, recipientPermissions(call, identity, 'Microsoft.Exchange.Management.RestApiClient.RecipientPermission'));
};

const getRecipientPermission: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity', 'Trustee', 'AccessRights']);
  emitList(call, recipientPermissions(call, stringValue(call, 'Identity'), 'Microsoft.Exchange.Management.RecipientTasks.RecipientPermission'));
};

const addRecipientPermission: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity', 'Trustee', 'AccessRights']);
  accessRights(call, 'SendAs');
  const ref = resolveRecipient(call, requireIdentity(call), RECIPIENT_KINDS);
  const trustee = resolveTrustee(call.state, stringValue(call, 'Trustee') ?? '');
  // Add-RecipientPermission asks for confirmation in Exchange Online (its reference: "This cmdlet
  // has a built-in pause, so use -Confirm:$false to skip the confirmation").
  requireNoPrompt(call);
  const name = trusteeName(trustee);
  if (sendAsGrantsOn(call.state, ref.entry).some((grant) => storedTrustee(call.state, grant.Trustee)?.entry === trustee.entry || same(grant.Trustee, name))) {
    call.warn(alreadyPresent(ref.entry.Name, name));
    return;
  }
  const grant: RecipientPermissionEntry = { Identity: ref.entry.Name, Trustee: name, AccessRights: ['SendAs'], IsInherited: false, AccessControlType: 'Allow' };
  storeRecipientPermission(call.state, grant);
  call.emit(recipientPermissionObject(grant, 'Microsoft.Exchange.Management.RecipientTasks.RecipientPermission'));
};

export const permissionCmdlets: Record<string, ExchangeCmdlet> = {
  'Get-EXOMailboxPermission': getExoMailboxPermission,
  'Get-MailboxPermission': getMailboxPermission,
  'Add-MailboxPermission': addMailboxPermission,
  'Get-EXORecipientPermission': getExoRecipientPermission,
  'Get-RecipientPermission': getRecipientPermission,
  'Add-RecipientPermission': addRecipientPermission,
};
