// Index one tenant's snapshot by the identities Exchange resolves (-Identity accepts a name, an
// alias, an SMTP address or a GUID), so lookups stay O(1) at 100,000 objects.
//
// Performance (N = 50,000 MEUs: 100,000 recipients, each with an alias, a name, a primary address, an
// ExchangeGuid and its SMTP proxies): an index is built on its first lookup, not when the plan starts,
// and only the half of the identities the lookup can match: those with an '@' (addresses) or those
// without (aliases, names, GUIDs). Lower-casing never adds or removes an '@', so an identity can only
// equal one of its own half. A plan that looks up mail users by name and source mailboxes by address
// (the common case) indexes each tenant's recipients once, by half of their identities. Each identity
// is written once (no look-before-write: later recipients are indexed first, so the first recipient
// that has an identity is the one left holding it), and an identity a recipient repeats (a Name
// equal to its Alias, the primary's own SMTP proxy) is not read twice.
//
// Indexing only the identities the desired state names was measured and left out: at 50,000 MEUs the
// YAML names nearly every recipient, so collecting those names (150,000 strings) and checking every
// identity against them cost more than the entries it saved.

import {
  EMPTY_GUID,
  type DistributionGroupEntry,
  type MailboxEntry,
  type MailboxStatisticsEntry,
  type MailUserEntry,
  type MigrationEndpointEntry,
  type OrganizationRelationshipEntry,
  type Snapshot,
} from '../model/snapshot.js';

export type Recipient = { type: 'MailUser'; entry: MailUserEntry } | { type: 'Mailbox'; entry: MailboxEntry };

function addKey<T>(map: Map<string, T>, key: string | null | undefined, value: T): void {
  if (key === null || key === undefined || key === '') return;
  const k = key.toLowerCase();
  if (!map.has(k)) map.set(k, value);
}

/** "smtp:" in any case, without a regular expression or a new string per proxy. */
function isSmtpProxy(proxy: string): boolean {
  return (
    proxy.length > 5 &&
    proxy.charCodeAt(4) === 58 /* : */ &&
    (proxy.charCodeAt(0) | 32) === 115 /* s */ &&
    (proxy.charCodeAt(1) | 32) === 109 /* m */ &&
    (proxy.charCodeAt(2) | 32) === 116 /* t */ &&
    (proxy.charCodeAt(3) | 32) === 112 /* p */
  );
}

const hasAt = (key: string): boolean => key.indexOf('@') !== -1;

/**
 * Recipients by lower-cased identity: for each, the first recipient in snapshot order that has it as
 * its Alias, Name, PrimarySmtpAddress, ExchangeGuid (when stamped) or an SMTP proxy address; only the
 * identities with an '@' (`addresses`) or only those without.
 */
function indexRecipients<T extends MailUserEntry | MailboxEntry>(entries: readonly T[], addresses: boolean): Map<string, T> {
  const map = new Map<string, T>();
  const set = (key: string | null | undefined, entry: T): void => {
    if (key !== null && key !== undefined && key !== '' && hasAt(key) === addresses) map.set(key.toLowerCase(), entry);
  };
  // Last to first: an identity two recipients share ends with the earlier one.
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i]!;
    const alias = entry.Alias;
    const primary = entry.PrimarySmtpAddress;
    set(alias, entry);
    if (entry.Name !== alias) set(entry.Name, entry);
    set(primary, entry);
    const guid = entry.ExchangeGuid;
    if (guid !== null && guid !== undefined && guid !== '' && hasAt(guid) === addresses) {
      const k = guid.toLowerCase();
      if (k !== EMPTY_GUID) map.set(k, entry);
    }
    for (const proxy of entry.EmailAddresses) {
      if (!isSmtpProxy(proxy) || (proxy.indexOf('@', 5) !== -1) !== addresses) continue;
      if (typeof primary === 'string' && proxy.length === primary.length + 5 && proxy.endsWith(primary)) continue;
      map.set(proxy.slice(5).toLowerCase(), entry);
    }
  }
  return map;
}

/** One kind of recipient by identity, each half indexed on its first lookup. */
class RecipientIndex<T extends MailUserEntry | MailboxEntry> {
  private addresses?: Map<string, T>;
  private names?: Map<string, T>;

  constructor(private readonly entries: readonly T[]) {}

  get(identity: string): T | undefined {
    const key = identity.toLowerCase();
    if (hasAt(key)) return (this.addresses ??= indexRecipients(this.entries, true)).get(key);
    return (this.names ??= indexRecipients(this.entries, false)).get(key);
  }
}

export class LiveTenant {
  readonly relationships = new Map<string, OrganizationRelationshipEntry>();
  readonly endpoints = new Map<string, MigrationEndpointEntry>();
  readonly groups = new Map<string, DistributionGroupEntry>();
  private readonly mailUsers: RecipientIndex<MailUserEntry>;
  private readonly mailboxes: RecipientIndex<MailboxEntry>;
  readonly acceptedDomains: Set<string>;
  private mailboxStatistics?: Map<string, MailboxStatisticsEntry>;

  constructor(readonly snapshot: Snapshot) {
    this.mailUsers = new RecipientIndex(snapshot.MailUser);
    this.mailboxes = new RecipientIndex(snapshot.Mailbox);
    for (const r of snapshot.OrganizationRelationship) addKey(this.relationships, r.Name, r);
    for (const e of snapshot.MigrationEndpoint) addKey(this.endpoints, e.Identity, e);
    for (const g of snapshot.DistributionGroup) {
      addKey(this.groups, g.Name, g);
      addKey(this.groups, g.Alias, g);
      addKey(this.groups, g.PrimarySmtpAddress, g);
    }
    this.acceptedDomains = new Set([
      snapshot.tenant.organization.toLowerCase(),
      ...snapshot.AcceptedDomain.map((d) => d.DomainName.toLowerCase()),
    ]);
  }

  /** Get-MailboxStatistics of a mailbox, by its ExchangeGuid (read only for mailboxes linked to a target mail user). */
  statistics(exchangeGuid: string): MailboxStatisticsEntry | undefined {
    if (!this.mailboxStatistics) {
      this.mailboxStatistics = new Map();
      for (const stats of this.snapshot.MailboxStatistics ?? []) this.mailboxStatistics.set(stats.MailboxGuid.toLowerCase(), stats);
    }
    return this.mailboxStatistics.get(exchangeGuid.toLowerCase());
  }

  get name(): string {
    return this.snapshot.tenant.name;
  }

  mailUser(identity: string): MailUserEntry | undefined {
    return this.mailUsers.get(identity);
  }

  mailbox(identity: string): MailboxEntry | undefined {
    return this.mailboxes.get(identity);
  }

  /** A mail user, or the mailbox it became after its move completed. */
  recipient(identity: string): Recipient | undefined {
    const user = this.mailUser(identity);
    if (user) return { type: 'MailUser', entry: user };
    const mailbox = this.mailbox(identity);
    return mailbox ? { type: 'Mailbox', entry: mailbox } : undefined;
  }

  /** Is the domain one of this tenant's accepted domains? (Exchange wants an exact match for proxies.) */
  accepts(domain: string): boolean {
    return this.acceptedDomains.has(domain.toLowerCase());
  }
}
