// The tenant state's index and flush (engine/state.ts): identities resolve as before the index kept
// one recipient without a list, a re-indexed recipient goes to the end of its keys' lists, and the
// state is written back as compact JSON, byte for byte UTF-8, only when a call changed it.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MailUserEntry, Snapshot } from '../../src/model/snapshot.js';
import { EMPTY_GUID } from '../../src/model/snapshot.js';
import { loadTenant, loadTenants } from '../../src/simulator/engine/state.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function mailUser(alias: string, extra: Partial<MailUserEntry> = {}): MailUserEntry {
  return {
    Name: alias,
    Alias: alias,
    PrimarySmtpAddress: `${alias}@contoso.com`,
    ExternalEmailAddress: `SMTP:${alias}@fabrikam.com`,
    MicrosoftOnlineServicesID: `${alias}@contoso.onmicrosoft.com`,
    ExchangeGuid: EMPTY_GUID,
    ArchiveGuid: EMPTY_GUID,
    LegacyExchangeDN: '',
    EmailAddresses: [`SMTP:${alias}@contoso.com`],
    IsDirSynced: false,
    RecipientTypeDetails: 'MailUser',
    ...extra,
  } as MailUserEntry;
}

function stateWith(mailUsers: MailUserEntry[], organization = 'contoso.onmicrosoft.com'): string {
  const dir = mkdtempSync(join(tmpdir(), 'exo-sim-state-'));
  dirs.push(dir);
  const snapshot = {
    snapshotVersion: 1,
    tenant: { name: 'contoso', organization },
    exportedAt: '2024-01-01T00:00:00Z',
    OrganizationConfig: { IsDehydrated: false },
    AcceptedDomain: [{ DomainName: 'contoso.com', DomainType: 'Authoritative' }],
    MailUser: mailUsers,
  } as unknown as Snapshot;
  writeFileSync(join(dir, 'contoso.json'), JSON.stringify(snapshot, null, 2));
  return dir;
}

describe('the tenant state', () => {
  it('resolves every identity, one recipient or several, and keeps the order of an ambiguous one', () => {
    // Two mail users share the Name "shared"; each has its own addresses.
    const dir = stateWith([mailUser('ann', { Name: 'shared' }), mailUser('bob', { Name: 'shared' })]);
    const state = loadTenant(dir, 'CONTOSO.onmicrosoft.com')!;
    expect(state.findRecipients(' Ann@Contoso.com ').map((ref) => ref.entry.Alias)).toEqual(['ann']);
    expect(state.findRecipients('ann@contoso.onmicrosoft.com', ['MailUser'])).toHaveLength(1);
    expect(state.findRecipients('ann@contoso.onmicrosoft.com', ['Mailbox'])).toEqual([]);
    expect(state.findRecipients('nobody')).toEqual([]);
    expect(state.findRecipients('shared').map((ref) => ref.entry.Alias)).toEqual(['ann', 'bob']);

    // A re-indexed recipient goes to the end of each of its keys' lists (as when it was taken out and put back).
    const ann = state.findRecipients('ann')[0]!.entry as MailUserEntry;
    state.updateRecipient(ann, () => {
      ann.EmailAddresses = [...ann.EmailAddresses, 'smtp:ann2@contoso.com'];
    });
    expect(state.findRecipients('shared').map((ref) => ref.entry.Alias)).toEqual(['bob', 'ann']);
    expect(state.findRecipients('ann2@contoso.com').map((ref) => ref.entry.Alias)).toEqual(['ann']);
    expect(state.addressOwner('ANN2@contoso.com')?.entry.Alias).toBe('ann');

    // A key given up is no longer found; a key still shared keeps the other recipient.
    state.updateRecipient(ann, () => {
      ann.Name = 'ann';
      ann.EmailAddresses = ['SMTP:ann@contoso.com'];
    });
    expect(state.findRecipients('ann2@contoso.com')).toEqual([]);
    expect(state.findRecipients('shared').map((ref) => ref.entry.Alias)).toEqual(['bob']);
    expect(state.findRecipients('ann').map((ref) => ref.entry.Alias)).toEqual(['ann']);

    // A change that throws leaves the recipient out of the index, as before.
    expect(() =>
      state.updateRecipient(ann, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(state.findRecipients('ann')).toEqual([]);

    state.removeRecipient(state.findRecipients('bob')[0]!.entry);
    expect(state.findRecipients('shared')).toEqual([]);
  });

  it('writes compact JSON, the same bytes as UTF-8 for ASCII and other text, and only when changed', () => {
    const dir = stateWith([mailUser('ann'), mailUser('zoë', { Name: 'Zoë Ünal' })]);
    const file = join(dir, 'contoso.json');
    const before = readFileSync(file, 'utf8');
    const state = loadTenant(dir, 'contoso.onmicrosoft.com')!;
    expect(state.findRecipients('zoë ünal').map((ref) => ref.entry.Alias)).toEqual(['zoë']);
    state.flush();
    expect(readFileSync(file, 'utf8')).toBe(before);

    state.markDirty();
    state.flush();
    expect(readFileSync(file)).toEqual(Buffer.from(`${JSON.stringify(state.snapshot)}\n`, 'utf8'));
    expect(loadTenants(dir)[0]!.findRecipients('zoë@contoso.com')).toHaveLength(1);

    // An ASCII-only state.
    const ascii = stateWith([mailUser('ann')]);
    const asciiState = loadTenant(ascii, 'contoso.onmicrosoft.com')!;
    asciiState.markDirty();
    asciiState.flush();
    const written = readFileSync(join(ascii, 'contoso.json'), 'utf8');
    expect(written).toBe(`${JSON.stringify(asciiState.snapshot)}\n`);
    expect(JSON.parse(written).MailUser[0].Alias).toBe('ann');
    expect(statSync(join(ascii, 'contoso.json')).size).toBe(Buffer.byteLength(written));
  });
});
