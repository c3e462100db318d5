// The recipient index (src/plan/live.ts) is built lazily, last recipient first, skipping identities a
// recipient repeats: every lookup must give exactly what the plain definition gives, whatever the
// order of lookups. The definition, kept here as the reference: for each lower-cased identity (Alias,
// Name, PrimarySmtpAddress, a stamped ExchangeGuid, each smtp: proxy address), the first recipient
// in snapshot order that has it.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MailboxEntry, MailUserEntry, Snapshot } from '../../src/model/snapshot.js';
import { LiveTenant } from '../../src/plan/live.js';
import { contosoSnapshot, EMPTY, mailbox, mailUser } from './fixtures.js';

function referenceIndex<T extends MailUserEntry | MailboxEntry>(entries: readonly T[]): Map<string, T> {
  const map = new Map<string, T>();
  const add = (key: string | null | undefined, entry: T): void => {
    if (key === null || key === undefined || key === '') return;
    const k = key.toLowerCase();
    if (!map.has(k)) map.set(k, entry);
  };
  for (const entry of entries) {
    add(entry.Alias, entry);
    add(entry.Name, entry);
    add(entry.PrimarySmtpAddress, entry);
    const guid = entry.ExchangeGuid;
    if (!(guid === null || guid === undefined || guid === '' || guid.toLowerCase() === EMPTY)) add(guid, entry);
    for (const proxy of entry.EmailAddresses) if (/^smtp:/i.test(proxy)) add(proxy.slice(5), entry);
  }
  return map;
}

/** A few identities, in several casings, so that recipients share them often. */
const POOL = ['lara', 'Lara', 'LARA', 'lara@contoso.com', 'Lara@Contoso.com', 'ada@contoso.com', 'ada', 'x@y', 'İx@y', '1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8', '1EC059C7-8396-4D0B-AF4E-D6BD4C12A8D8', EMPTY, ''];
const identity = fc.constantFrom(...POOL);
const proxy = fc.oneof(
  fc.tuple(fc.constantFrom('SMTP:', 'smtp:', 'Smtp:', 'X500:', 'x500:', 'sip:', 'smtp'), identity).map(([prefix, id]) => prefix + id),
  fc.constantFrom('smtp:', 'SMTP:'),
);
const identities = fc.record({
  Name: identity,
  Alias: fc.oneof(identity, fc.constant(null as unknown as string)),
  PrimarySmtpAddress: identity,
  ExchangeGuid: fc.oneof(identity, fc.constant(null as unknown as string)),
  EmailAddresses: fc.array(proxy, { maxLength: 4 }),
  sameName: fc.boolean(),
  primaryProxy: fc.boolean(),
});
type Identities = typeof identities extends fc.Arbitrary<infer T> ? T : never;

function entryOf<T extends MailUserEntry | MailboxEntry>(base: T, ids: Identities): T {
  const emailAddresses = ids.primaryProxy && ids.PrimarySmtpAddress ? [`SMTP:${ids.PrimarySmtpAddress}`, ...ids.EmailAddresses] : ids.EmailAddresses;
  return { ...base, Name: ids.sameName ? ids.Alias : ids.Name, Alias: ids.Alias, PrimarySmtpAddress: ids.PrimarySmtpAddress, ExchangeGuid: ids.ExchangeGuid, EmailAddresses: emailAddresses };
}

function liveOf(mailUsers: Identities[], mailboxes: Identities[]): { snapshot: Snapshot; live: LiveTenant } {
  const snapshot: Snapshot = { ...contosoSnapshot(), MailUser: mailUsers.map((ids) => entryOf(mailUser(), ids)), Mailbox: mailboxes.map((ids) => entryOf(mailbox(), ids)) };
  return { snapshot, live: new LiveTenant(snapshot) };
}

describe('recipient index', () => {
  it('answers every lookup as the reference index does, in any order', () => {
    fc.assert(
      fc.property(fc.array(identities, { maxLength: 8 }), fc.array(identities, { maxLength: 8 }), fc.shuffledSubarray([...POOL, 'nobody', 'SMTP:lara'], { minLength: 1 }), fc.constantFrom('mailUser', 'mailbox', 'recipient'), (users, boxes, lookups, first) => {
        const { snapshot, live } = liveOf(users, boxes);
        const mailUsers = referenceIndex(snapshot.MailUser);
        const mailboxes = referenceIndex(snapshot.Mailbox);
        // The first lookup decides which index is built first.
        if (first === 'mailUser') live.mailUser(lookups[0]!);
        else if (first === 'mailbox') live.mailbox(lookups[0]!);
        else live.recipient(lookups[0]!);
        for (const key of lookups) {
          const k = key.toLowerCase();
          expect(live.mailUser(key)).toBe(mailUsers.get(k));
          expect(live.mailbox(key)).toBe(mailboxes.get(k));
          const user = mailUsers.get(k);
          const box = mailboxes.get(k);
          expect(live.recipient(key)).toEqual(user ? { type: 'MailUser', entry: user } : box ? { type: 'Mailbox', entry: box } : undefined);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('gives an identity two recipients share to the first of them', () => {
    const { live, snapshot } = liveOf(
      [],
      [
        { Name: 'A', Alias: 'a', PrimarySmtpAddress: 'a@contoso.com', ExchangeGuid: EMPTY, EmailAddresses: ['smtp:shared@contoso.com'], sameName: false, primaryProxy: true },
        { Name: 'Shared@Contoso.com', Alias: 'b', PrimarySmtpAddress: 'shared@contoso.com', ExchangeGuid: EMPTY, EmailAddresses: [], sameName: false, primaryProxy: true },
      ],
    );
    expect(live.mailbox('SHARED@contoso.com')).toBe(snapshot.Mailbox[0]);
    expect(live.mailbox('b')).toBe(snapshot.Mailbox[1]);
    // The unstamped GUID is nobody's identity.
    expect(live.mailbox(EMPTY)).toBeUndefined();
  });
});
