// What every Exchange cmdlet implementation gets, and the errors and lookups they share.
import { randomBytes } from 'node:crypto';
import type { BoundCommand, MultiValuedChange } from '../bound.js';
import { isMultiValuedChange } from '../bound.js';
import { CmdletError, exchangeError, NotSupportedError } from '../../errors.js';
import type { Faults } from '../faults.js';
import type { RecipientKind, RecipientRef, TenantState } from '../state.js';
import { smtpOf } from '../state.js';
import { isNull, PSGuid, PSObject, toStr } from '../../values.js';

export interface Session {
  state: TenantState | null;
  stateDirectory: string;
  faults: Faults;
  /** Flushes state and metrics if due (about once a second while running). */
  maybeFlush(): void;
  flushNow(): void;
}

export interface ExchangeCall {
  bound: BoundCommand;
  session: Session;
  /** The connected tenant's state. */
  state: TenantState;
  emit(value: unknown): void;
  warn(message: string): void;
}

export type ExchangeCmdlet = (call: ExchangeCall) => void;

/** A fake but stable server name for "couldn't be found on '…'". */
function serverName(state: TenantState): string {
  const prefix = state.organization.split('.')[0]?.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 6) || 'SIM';
  return `${prefix}PR01A001.PROD.OUTLOOK.COM`;
}

export function notFound(state: TenantState, identity: string): CmdletError {
  return exchangeError(
    `The operation couldn't be performed because object '${identity}' couldn't be found on '${serverName(state)}'.`,
    'ManagementObjectNotFoundException',
    'NotSpecified',
    identity,
  );
}

export function ambiguous(identity: string): CmdletError {
  return exchangeError(
    `The operation couldn't be performed because '${identity}' matches multiple entries.`,
    'ManagementObjectAmbiguousException',
    'NotSpecified',
    identity,
  );
}

export function has(call: ExchangeCall, name: string): boolean {
  return call.bound.values.has(name);
}

export function value(call: ExchangeCall, name: string): unknown {
  return call.bound.values.get(name);
}

export function stringValue(call: ExchangeCall, name: string): string | null {
  const raw = call.bound.values.get(name);
  return isNull(raw) ? null : toStr(raw);
}

/** Fails loudly for bound parameters the simulator does not model (binding accepted them). */
export function supportOnly(call: ExchangeCall, handled: string[]): void {
  const always = ['Confirm', 'WhatIf', 'Force', 'ResultSize', 'DomainController'];
  for (const name of call.bound.order) {
    if (!handled.includes(name) && !always.includes(name)) {
      throw new NotSupportedError(`${call.bound.cmdlet} -${name} is not supported by the simulator.`);
    }
  }
  if (call.bound.values.get('WhatIf') === true) throw new NotSupportedError(`${call.bound.cmdlet} -WhatIf is not supported by the simulator.`);
}

/**
 * Exchange's destructive cmdlets ask for confirmation; under pwsh -NonInteractive the prompt
 * itself fails unless the script passes -Confirm:$false, as a real run would.
 */
export function requireNoPrompt(call: ExchangeCall): void {
  if (call.bound.values.get('Confirm') === false) return;
  throw new CmdletError(
    Object.assign(
      exchangeError('PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.', 'PSInvalidOperationException', 'InvalidOperation').record,
      {},
    ),
  );
}

export function resolveRecipient(call: ExchangeCall, identity: string, kinds: RecipientKind[]): RecipientRef {
  const found = call.state.findRecipients(identity, kinds);
  if (found.length === 0) throw notFound(call.state, identity);
  if (found.length > 1) throw ambiguous(identity);
  return found[0]!;
}

export function requireIdentity(call: ExchangeCall): string {
  const identity = stringValue(call, 'Identity');
  if (identity === null) throw new CmdletError(exchangeError("Cannot bind argument to parameter 'Identity' because it is null.", 'ParameterBindingValidationException', 'InvalidData').record);
  return identity;
}

export function legacyExchangeDN(alias: string): string {
  return `/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${randomBytes(16).toString('hex')}-${alias}`;
}

/** Alias from a name as Exchange derives it: allowed characters only. */
export function aliasFrom(text: string): string {
  return text.replace(/@.*$/, '').replace(/[^A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]/g, '').replace(/^\.+|\.+$/g, '') || 'user';
}

export function defaultDomain(state: TenantState): string {
  const flagged = state.snapshot.AcceptedDomain.find((domain) => (domain as { Default?: boolean }).Default === true);
  return flagged?.DomainName ?? state.organization;
}

/** Normalises a proxy address: "a@b" → "smtp:a@b", prefixes in Exchange's case (SMTP/smtp kept, X500 upper). */
function normalizeProxy(raw: string): string {
  const text = raw.trim();
  const colon = text.indexOf(':');
  if (colon < 0 || text.indexOf('@') >= 0 && text.indexOf('@') < colon) return `smtp:${text}`;
  const prefix = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (prefix === 'SMTP' || prefix === 'smtp') return `${prefix}:${rest}`;
  if (prefix.toLowerCase() === 'smtp') return `smtp:${rest}`;
  return `${prefix.toUpperCase()}:${rest}`;
}

function sameProxy(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * Applies an EmailAddresses value (a full list, or @{Add; Remove}) to a proxy list, keeping exactly
 * one primary SMTP address as Exchange does.
 */
export function applyEmailAddresses(current: string[], change: unknown): string[] {
  if (isMultiValuedChange(change)) return applyProxyChange(current, change);
  const items = (change as unknown[]).map((item) => normalizeProxy(toStr(item)));
  const result: string[] = [];
  for (const item of items) if (!result.some((existing) => sameProxy(existing, item))) result.push(item);
  if (!result.some((proxy) => proxy.startsWith('SMTP:'))) {
    const firstSmtp = result.findIndex((proxy) => proxy.startsWith('smtp:'));
    if (firstSmtp >= 0) result[firstSmtp] = `SMTP:${result[firstSmtp]!.slice(5)}`;
  }
  const primaries = result.filter((proxy) => proxy.startsWith('SMTP:'));
  if (primaries.length > 1) {
    throw exchangeError(`The e-mail address "${primaries[1]}" is specified as a primary SMTP address, but "${primaries[0]}" is already the primary SMTP address. You can specify only one primary SMTP address.`, 'MultiplePrimarySmtpAddressesException', 'InvalidArgument');
  }
  return result;
}

function applyProxyChange(current: string[], change: MultiValuedChange): string[] {
  let result = [...current];
  for (const raw of change.remove) {
    const item = normalizeProxy(toStr(raw));
    const existing = result.find((proxy) => sameProxy(proxy, item));
    if (existing?.startsWith('SMTP:')) {
      throw exchangeError(`The primary SMTP address "${existing.slice(5)}" can't be removed. Set another primary SMTP address first.`, 'RecipientTaskException', 'InvalidOperation');
    }
    result = result.filter((proxy) => !sameProxy(proxy, item));
  }
  for (const raw of change.add) {
    const item = normalizeProxy(toStr(raw));
    if (item.startsWith('SMTP:')) {
      result = result.filter((proxy) => !sameProxy(proxy, item)).map((proxy) => (proxy.startsWith('SMTP:') ? `smtp:${proxy.slice(5)}` : proxy));
      result.unshift(item);
      continue;
    }
    if (!result.some((proxy) => sameProxy(proxy, item))) result.push(item);
  }
  return result;
}

/** The primary SMTP address of a proxy list. */
export function primaryOf(proxies: string[]): string | null {
  const primary = proxies.find((proxy) => proxy.startsWith('SMTP:'));
  return primary ? primary.slice(5) : null;
}

/** Checks what Exchange checks of a recipient's addresses: accepted domains and uniqueness. */
export function validateAddresses(call: ExchangeCall, proxies: string[], self: RecipientRef['entry'] | null, exempt: string | null): void {
  for (const proxy of proxies) {
    const smtp = smtpOf(proxy);
    if (!smtp) continue;
    const domain = smtp.slice(smtp.lastIndexOf('@') + 1);
    if (!smtp.includes('@') || domain === '') {
      throw exchangeError(`The email address "${smtp}" isn't correct. Please use this format: user name, the @ sign, followed by the domain name. For example, tonysmith@contoso.com or tony.smith@contoso.com.`, 'InvalidSmtpAddressException', 'InvalidArgument', smtp);
    }
    if (exempt && smtp.toLowerCase() === exempt.toLowerCase()) continue;
    if (!call.state.isAcceptedDomain(domain)) {
      throw exchangeError(
        "You can't use the domain because it's not an accepted domain for your organization.",
        'NotAcceptedDomainException',
        'InvalidArgument',
        proxy,
      );
    }
    const owner = call.state.addressOwner(smtp);
    if (owner && owner.entry !== self) {
      throw exchangeError(
        `The proxy address "${proxy}" is already being used by the proxy addresses or LegacyExchangeDN of "${owner.entry.Name}". Please choose another proxy address.`,
        'ProxyAddressExistsException',
        'InvalidArgument',
        proxy,
      );
    }
  }
}

/** Properties Exchange types as System.Guid: Get-* returns them as Guid objects. */
export const GUID_PROPERTIES = new Set(['ExchangeGuid', 'ArchiveGuid', 'Guid', 'DisabledArchiveGuid', 'MailboxGuid', 'ExternalDirectoryObjectId', 'ExternalDirectoryOrganizationId']);

/** A property value as a Get-* cmdlet returns it: GUIDs as Guid objects, arrays copied. */
export function outputValue(name: string, item: unknown): unknown {
  if (GUID_PROPERTIES.has(name) && typeof item === 'string') return new PSGuid(item);
  return Array.isArray(item) ? [...item] : item;
}

/** A snapshot entry as Exchange's Get-* returns it: GUIDs as Guid objects, arrays copied. */
export function toObject(entry: object, typeName: string, extra: [string, unknown][] = [], omit: string[] = []): PSObject {
  const object = new PSObject([], typeName);
  for (const [name, item] of extra) object.set(name, item);
  for (const [name, item] of Object.entries(entry)) {
    if (omit.includes(name)) continue;
    object.set(name, outputValue(name, item));
  }
  return object;
}

/**
 * A size as Exchange prints a ByteQuantifiedSize: the largest unit the size fills, with four
 * significant digits, then the exact bytes with thousands separators ("30 GB (32,212,254,720 bytes)",
 * "0 B (0 bytes)"); an Unlimited<ByteQuantifiedSize> without a limit (null here) prints "Unlimited".
 */
export function byteQuantifiedSize(bytes: number | null): string {
  if (bytes === null) return 'Unlimited';
  const units: [string, number][] = [['TB', 2 ** 40], ['GB', 2 ** 30], ['MB', 2 ** 20], ['KB', 2 ** 10]];
  const [unit, size] = units.find(([, unitSize]) => bytes >= unitSize) ?? ['B', 1];
  return `${Number((bytes / size).toPrecision(4))} ${unit} (${String(Math.trunc(bytes)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} bytes)`;
}

function resultSizeOf(call: ExchangeCall): number {
  const size = call.bound.values.get('ResultSize');
  return typeof size === 'number' ? size : size === 'Unlimited' ? Number.POSITIVE_INFINITY : 1000;
}

/** Emits a Get-* result list, with Exchange's warning when -ResultSize cut it short. */
export function emitList(call: ExchangeCall, objects: PSObject[]): void {
  const limit = resultSizeOf(call);
  const shown = objects.slice(0, Number.isFinite(limit) ? limit : undefined);
  for (const object of shown) call.emit(object);
  if (objects.length > shown.length) {
    call.warn(`There are more results available than are currently displayed. To view them, increase the value for the ResultSize parameter.`);
  }
}

/** Synced objects: changes belong on-premises, in Exchange Online's words. */
export function dirSyncError(cmdlet: string, attribute: string, identity: string): CmdletError {
  return exchangeError(
    `The operation on mailbox "${identity}" failed because it's out of the current user's write scope. The action '${cmdlet}', '${attribute}', can't be performed on the object '${identity}' because the object is being synchronized from your on-premises organization. This action should be performed on the object in your on-premises organization.`,
    'InvalidOperationInDirSyncedObjectException',
    'NotSpecified',
    identity,
  );
}

export const CUSTOM_ATTRIBUTES = Array.from({ length: 15 }, (_, index) => `CustomAttribute${index + 1}`);
export const EXTENSION_ATTRIBUTES = Array.from({ length: 5 }, (_, index) => `ExtensionCustomAttribute${index + 1}`);

/** Exchange attributes a cloud-managed mailbox may change in the cloud. */
export const EXCHANGE_ATTRIBUTES = new Set([
  'EmailAddresses', 'Alias', 'HiddenFromAddressListsEnabled', 'GrantSendOnBehalfTo', 'WindowsEmailAddress', 'PrimarySmtpAddress',
  'MailTip', 'MailTipTranslations', 'AcceptMessagesOnlyFrom', 'AcceptMessagesOnlyFromDLMembers', 'AcceptMessagesOnlyFromSendersOrMembers',
  'RejectMessagesFrom', 'RejectMessagesFromDLMembers', 'RejectMessagesFromSendersOrMembers', 'RequireSenderAuthenticationEnabled',
  ...CUSTOM_ATTRIBUTES, ...EXTENSION_ATTRIBUTES,
]);

/** Identity attributes that always come from Active Directory for a synced object. */
export const IDENTITY_ATTRIBUTES = new Set(['Name', 'DisplayName', 'FirstName', 'LastName', 'Initials', 'UserPrincipalName', 'MicrosoftOnlineServicesID', 'ExternalEmailAddress', 'ExchangeGuid', 'ArchiveGuid']);
