// A tenant's state: the snapshot file loaded once per Connect, indexed by every identity Exchange
// resolves (case-insensitive), and flushed atomically (old or new file, never half of one).
import { isAscii } from 'node:buffer';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DistributionGroupEntry, MailboxEntry, MailUserEntry, Snapshot } from '../../model/snapshot.js';
import { EMPTY_GUID } from '../../model/snapshot.js';
import { writeFileAtomicSync } from '../../util/atomic-write.js';

export type RecipientKind = 'MailUser' | 'Mailbox' | 'DistributionGroup';
export type RecipientEntry = MailUserEntry | MailboxEntry | DistributionGroupEntry;

export interface RecipientRef {
  kind: RecipientKind;
  entry: RecipientEntry;
}

/** The address part of a proxy address ("smtp:a@b" → "a@b"); null for non-SMTP proxies. */
export function smtpOf(proxy: string): string | null {
  const colon = proxy.indexOf(':');
  if (colon < 0) return proxy.includes('@') ? proxy : null;
  return proxy.slice(0, colon).toLowerCase() === 'smtp' ? proxy.slice(colon + 1) : null;
}

function identityKeys(ref: RecipientRef): string[] {
  const entry = ref.entry;
  // Looked up trimmed (findRecipients), so indexed trimmed: a Name with a trailing space is found by it.
  const keys: string[] = [];
  const add = (key: unknown): void => {
    if (typeof key !== 'string') return;
    const normalized = key.trim().toLowerCase();
    if (normalized !== '' && !keys.includes(normalized)) keys.push(normalized);
  };
  add(entry.Name);
  add(entry.PrimarySmtpAddress);
  if ('Alias' in entry && entry.Alias) add(entry.Alias);
  if ('EmailAddresses' in entry) {
    for (const proxy of entry.EmailAddresses) add(smtpOf(proxy));
    if (entry.ExchangeGuid && entry.ExchangeGuid !== EMPTY_GUID) add(entry.ExchangeGuid);
    if (entry.LegacyExchangeDN) add(entry.LegacyExchangeDN);
  }
  if ('MicrosoftOnlineServicesID' in entry && entry.MicrosoftOnlineServicesID) add(entry.MicrosoftOnlineServicesID);
  if ('UserPrincipalName' in entry && entry.UserPrincipalName) add(entry.UserPrincipalName);
  return keys;
}

export class TenantState {
  /** Per identity key, its recipient, or its recipients in the order they were indexed (a list only when there are several). */
  private readonly recipientIndex = new Map<string, RecipientRef | RecipientRef[]>();
  private readonly keysByEntry = new Map<RecipientEntry, string[]>();
  private readonly refByEntry = new Map<RecipientEntry, RecipientRef>();
  dirty = false;

  constructor(
    readonly file: string,
    readonly snapshot: Snapshot,
  ) {
    snapshot.AcceptedDomain ??= [];
    snapshot.OrganizationRelationship ??= [];
    snapshot.MigrationEndpoint ??= [];
    snapshot.DistributionGroup ??= [];
    snapshot.MailUser ??= [];
    snapshot.Mailbox ??= [];
    snapshot.OrganizationConfig ??= { IsDehydrated: false };
    for (const entry of snapshot.MailUser) this.index({ kind: 'MailUser', entry });
    for (const entry of snapshot.Mailbox) this.index({ kind: 'Mailbox', entry });
    for (const entry of snapshot.DistributionGroup) this.index({ kind: 'DistributionGroup', entry });
  }

  get organization(): string {
    return this.snapshot.tenant.organization;
  }

  private index(ref: RecipientRef, keys = identityKeys(ref)): void {
    this.keysByEntry.set(ref.entry, keys);
    this.refByEntry.set(ref.entry, ref);
    for (const key of keys) this.addKey(key, ref);
  }

  private addKey(key: string, ref: RecipientRef): void {
    const held = this.recipientIndex.get(key);
    if (held === undefined) this.recipientIndex.set(key, ref);
    else if (Array.isArray(held)) held.push(ref);
    else this.recipientIndex.set(key, [held, ref]);
  }

  private removeKey(key: string, entry: RecipientEntry): void {
    const held = this.recipientIndex.get(key);
    if (held === undefined) return;
    const remaining = this.refsOf(key).filter((ref) => ref.entry !== entry);
    if (remaining.length > 1) this.recipientIndex.set(key, remaining);
    else if (remaining.length === 1) this.recipientIndex.set(key, remaining[0]!);
    else this.recipientIndex.delete(key);
  }

  private refsOf(key: string): readonly RecipientRef[] {
    const held = this.recipientIndex.get(key);
    return held === undefined ? [] : Array.isArray(held) ? held : [held];
  }

  private unindex(entry: RecipientEntry): void {
    for (const key of this.keysByEntry.get(entry) ?? []) this.removeKey(key, entry);
    this.keysByEntry.delete(entry);
    this.refByEntry.delete(entry);
  }

  /** Recipients an identity resolves to (Name, Alias, any SMTP address, ExchangeGuid...), optionally of some kinds. */
  findRecipients(identity: string, kinds?: RecipientKind[]): RecipientRef[] {
    const found = this.refsOf(identity.trim().toLowerCase());
    const filtered = kinds ? found.filter((ref) => kinds.includes(ref.kind)) : found;
    return [...new Set(filtered)];
  }

  /** Who already holds an SMTP address, if anyone. */
  addressOwner(address: string): RecipientRef | undefined {
    return this.refsOf(address.toLowerCase()).find((ref) => {
      const entry = ref.entry;
      if (entry.PrimarySmtpAddress.toLowerCase() === address.toLowerCase()) return true;
      return 'EmailAddresses' in entry && entry.EmailAddresses.some((proxy) => smtpOf(proxy)?.toLowerCase() === address.toLowerCase());
    });
  }

  addRecipient(ref: RecipientRef): void {
    if (ref.kind === 'MailUser') this.snapshot.MailUser.push(ref.entry as MailUserEntry);
    else if (ref.kind === 'Mailbox') this.snapshot.Mailbox.push(ref.entry as MailboxEntry);
    else this.snapshot.DistributionGroup.push(ref.entry as DistributionGroupEntry);
    this.index(ref);
    this.dirty = true;
  }

  /** Takes a recipient out of the state (a mail user that became a mailbox, or the reverse). */
  removeRecipient(entry: RecipientEntry): void {
    const ref = this.refByEntry.get(entry);
    if (!ref) return;
    this.unindex(entry);
    if (ref.kind === 'MailUser') this.snapshot.MailUser = this.snapshot.MailUser.filter((item) => item !== entry);
    else if (ref.kind === 'Mailbox') this.snapshot.Mailbox = this.snapshot.Mailbox.filter((item) => item !== entry);
    else this.snapshot.DistributionGroup = this.snapshot.DistributionGroup.filter((item) => item !== entry);
    this.dirty = true;
  }

  /** Applies a change to a recipient and re-indexes it (its addresses or names may have changed). */
  updateRecipient(entry: RecipientEntry, change: () => void): void {
    const ref = this.refByEntry.get(entry);
    if (!ref) {
      this.unindex(entry);
      change();
      this.dirty = true;
      return;
    }
    // Re-indexed as if taken out and put back (the recipient goes to the end of each of its keys'
    // lists), touching only the lists that need it: a key of a single recipient stays as it is.
    const before = this.keysByEntry.get(entry) ?? [];
    try {
      change();
    } catch (error) {
      this.unindex(entry);
      throw error;
    }
    const after = identityKeys(ref);
    for (const key of before) if (!after.includes(key)) this.removeKey(key, entry);
    for (const key of after) {
      if (!before.includes(key)) {
        this.addKey(key, ref);
        continue;
      }
      const held = this.recipientIndex.get(key);
      if (Array.isArray(held) && held[held.length - 1] !== ref) {
        this.removeKey(key, entry);
        this.addKey(key, ref);
      }
    }
    this.keysByEntry.set(entry, after);
    this.dirty = true;
  }

  isAcceptedDomain(domain: string): boolean {
    const lower = domain.toLowerCase();
    if (lower === this.organization.toLowerCase()) return true;
    return this.snapshot.AcceptedDomain.some((accepted) => accepted.DomainName.toLowerCase() === lower);
  }

  markDirty(): void {
    this.dirty = true;
  }

  /**
   * Writes the state back, only when a call changed it: compact JSON (smaller than indented, and
   * written faster), in one atomic write.
   */
  flush(): void {
    if (!this.dirty) return;
    const text = `${JSON.stringify(this.snapshot)}\n`;
    // ASCII text (most states) is encoded byte for byte: the same bytes as UTF-8, sooner.
    writeFileAtomicSync(this.file, /[^\x00-\x7f]/.test(text) ? text : Buffer.from(text, 'latin1'));
    this.dirty = false;
  }
}

function stateFiles(stateDirectory: string): string[] {
  try {
    return readdirSync(stateDirectory).filter((file) => file.endsWith('.json') && !file.startsWith('.')).sort();
  } catch {
    return [];
  }
}

/** A file's text. An ASCII file (most states) is decoded byte for byte: the same string as UTF-8, sooner. */
function readText(path: string): string {
  const bytes = readFileSync(path);
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

/** A state file's snapshot, or null when it is not one (not JSON, or no tenant.organization). */
function readSnapshot(path: string, text = readText(path)): Snapshot | null {
  try {
    const snapshot = JSON.parse(text) as Snapshot;
    return typeof snapshot?.tenant?.organization === 'string' ? snapshot : null;
  } catch {
    return null;
  }
}

/** Finds the snapshot in the state directory whose tenant.organization matches, case-insensitively. */
export function loadTenant(stateDirectory: string, organization: string): TenantState | null {
  const wanted = organization.trim().toLowerCase();
  for (const file of stateFiles(stateDirectory)) {
    const path = join(stateDirectory, file);
    const text = readText(path);
    // A cheap look at the organization first, so other tenants' large files are not parsed.
    const quick = /"organization"\s*:\s*"([^"]*)"/.exec(text);
    if (quick && quick[1]!.toLowerCase() !== wanted) continue;
    const snapshot = readSnapshot(path, text);
    if (snapshot?.tenant.organization.toLowerCase() === wanted) return new TenantState(path, snapshot);
  }
  return null;
}

/** Every tenant of the state directory (files that are not snapshots are skipped), in file-name order. */
export function loadTenants(stateDirectory: string): TenantState[] {
  return stateFiles(stateDirectory).flatMap((file) => {
    const path = join(stateDirectory, file);
    const snapshot = readSnapshot(path);
    return snapshot ? [new TenantState(path, snapshot)] : [];
  });
}
