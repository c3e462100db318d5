// Index one tenant's snapshot by the identities Exchange resolves (-Identity accepts a name, an
// alias, an SMTP address or a GUID), built once per plan so lookups stay O(1) at 100,000 objects.

import type {
  DistributionGroupEntry,
  MailboxEntry,
  MailboxStatisticsEntry,
  MailUserEntry,
  MigrationEndpointEntry,
  OrganizationRelationshipEntry,
  Snapshot,
} from '../model/snapshot.js';
import { isUnsetGuid } from './compare.js';

export type Recipient = { type: 'MailUser'; entry: MailUserEntry } | { type: 'Mailbox'; entry: MailboxEntry };

function addKey<T>(map: Map<string, T>, key: string | null | undefined, value: T): void {
  if (key === null || key === undefined || key === '') return;
  const k = key.toLowerCase();
  if (!map.has(k)) map.set(k, value);
}

export class LiveTenant {
  readonly relationships = new Map<string, OrganizationRelationshipEntry>();
  readonly endpoints = new Map<string, MigrationEndpointEntry>();
  readonly groups = new Map<string, DistributionGroupEntry>();
  private readonly mailUsers = new Map<string, MailUserEntry>();
  private readonly mailboxes = new Map<string, MailboxEntry>();
  readonly acceptedDomains: Set<string>;
  private readonly mailboxStatistics = new Map<string, MailboxStatisticsEntry>();

  constructor(readonly snapshot: Snapshot) {
    for (const r of snapshot.OrganizationRelationship) addKey(this.relationships, r.Name, r);
    for (const e of snapshot.MigrationEndpoint) addKey(this.endpoints, e.Identity, e);
    for (const g of snapshot.DistributionGroup) {
      addKey(this.groups, g.Name, g);
      addKey(this.groups, g.Alias, g);
      addKey(this.groups, g.PrimarySmtpAddress, g);
    }
    for (const u of snapshot.MailUser) this.indexRecipient(this.mailUsers, u);
    for (const m of snapshot.Mailbox) this.indexRecipient(this.mailboxes, m);
    for (const stats of snapshot.MailboxStatistics ?? []) this.mailboxStatistics.set(stats.MailboxGuid.toLowerCase(), stats);
    this.acceptedDomains = new Set([
      snapshot.tenant.organization.toLowerCase(),
      ...snapshot.AcceptedDomain.map((d) => d.DomainName.toLowerCase()),
    ]);
  }

  /** Get-MailboxStatistics of a mailbox, by its ExchangeGuid (read only for mailboxes linked to a target mail user). */
  statistics(exchangeGuid: string): MailboxStatisticsEntry | undefined {
    return this.mailboxStatistics.get(exchangeGuid.toLowerCase());
  }

  private indexRecipient<T extends MailUserEntry | MailboxEntry>(map: Map<string, T>, entry: T): void {
    addKey(map, entry.Alias, entry);
    addKey(map, entry.Name, entry);
    addKey(map, entry.PrimarySmtpAddress, entry);
    if (!isUnsetGuid(entry.ExchangeGuid)) addKey(map, entry.ExchangeGuid, entry);
    for (const proxy of entry.EmailAddresses) {
      if (/^smtp:/i.test(proxy)) addKey(map, proxy.slice(5), entry);
    }
  }

  get name(): string {
    return this.snapshot.tenant.name;
  }

  mailUser(identity: string): MailUserEntry | undefined {
    return this.mailUsers.get(identity.toLowerCase());
  }

  mailbox(identity: string): MailboxEntry | undefined {
    return this.mailboxes.get(identity.toLowerCase());
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
