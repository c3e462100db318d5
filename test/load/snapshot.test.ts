// Snapshots with the properties the cross-tenant checks read (issue 13): each new property optional
// (an older snapshot still loads), typed where present, and a wrong type named with the tenant, the
// object and the property.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSnapshot, readSnapshots } from '../../src/load/snapshot.js';
import type { Snapshot } from '../../src/model/snapshot.js';

const root = new URL('../../', import.meta.url).pathname;
const example = (tenant: string): Snapshot => JSON.parse(readFileSync(join(root, 'examples/contoso-northwind/state', `${tenant}.json`), 'utf8')) as Snapshot;
const dir = mkdtempSync(join(tmpdir(), 'exo-snapshot-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const GB = 2 ** 30;

function withEverything(): Snapshot {
  const s = example('northwind');
  s.OrganizationConfig = { IsDehydrated: false, InPlaceHolds: ['mbx5f6e7d8c9b0a41e2b3c4d5e6f7a8b9c0:2', '-mbxaaaa'], ExchangeAttributesCloudManagedByDefault: false };
  s.MigrationEndpoint[0]!.MaxConcurrentMigrations = 'Unlimited';
  Object.assign(s.MailUser[0]!, { PersistedCapabilities: ['ExchangeT2TMbxMove'], RecoverableItemsQuotaBytes: 30 * GB });
  Object.assign(s.MailUser[1]!, { PersistedCapabilities: [], RecoverableItemsQuotaBytes: null });
  Object.assign(s.Mailbox[0]!, { MailboxLocations: ['1;b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e;Primary;northwindtraders.onmicrosoft.com;00000000-0000-0000-0000-000000000000'], PersistedCapabilities: [], ArchiveStatus: 'None', DisabledArchiveGuid: '00000000-0000-0000-0000-000000000000' });
  s.MailboxStatistics = [{ MailboxGuid: s.Mailbox[0]!.ExchangeGuid, TotalDeletedItemSizeBytes: 12 * GB }];
  return s;
}

describe('snapshot loading', () => {
  it('loads snapshots without the newer properties (the example, as older exports wrote them)', () => {
    writeFileSync(join(dir, 'contoso.json'), JSON.stringify(example('contoso')));
    writeFileSync(join(dir, 'northwind.json'), JSON.stringify(example('northwind')));
    const snapshots = readSnapshots(dir, ['contoso', 'northwind']);
    expect(snapshots.get('northwind')!.MailboxStatistics).toBeUndefined();
    expect(snapshots.get('contoso')!.OrganizationConfig.InPlaceHolds).toBeUndefined();
  });

  it('loads every newer property with its type: holds, the cloud-managed default, Unlimited, license, quota in bytes (or null), locations, statistics', () => {
    const s = checkSnapshot(withEverything(), 'northwind');
    expect(s.OrganizationConfig.InPlaceHolds).toHaveLength(2);
    expect(s.MigrationEndpoint[0]!.MaxConcurrentMigrations).toBe('Unlimited');
    expect(s.MailUser[1]!.RecoverableItemsQuotaBytes).toBeNull();
    expect(s.MailboxStatistics![0]!.TotalDeletedItemSizeBytes).toBe(12 * GB);
    for (const value of [0, 20, null]) {
      const other = withEverything();
      other.MigrationEndpoint[0]!.MaxConcurrentMigrations = value;
      expect(checkSnapshot(other, 'northwind').MigrationEndpoint[0]!.MaxConcurrentMigrations).toBe(value);
    }
  });

  it.each<[string, (s: Snapshot) => void, string]>([
    ['MaxConcurrentMigrations in another spelling', (s) => ((s.MigrationEndpoint[0] as unknown as Record<string, unknown>).MaxConcurrentMigrations = 'unlimited'), 'MigrationEndpoint[0] (Contoso-T2T) MaxConcurrentMigrations must be a whole number, "Unlimited" or null, got the text "unlimited"'],
    ['MaxConcurrentMigrations a fraction', (s) => ((s.MigrationEndpoint[0] as unknown as Record<string, unknown>).MaxConcurrentMigrations = 2.5), 'MigrationEndpoint[0] (Contoso-T2T) MaxConcurrentMigrations must be a whole number, "Unlimited" or null, got the number 2.5'],
    ['a quota as Exchange prints it, not converted', (s) => ((s.MailUser[0] as unknown as Record<string, unknown>).RecoverableItemsQuotaBytes = '30 GB (32,212,254,720 bytes)'), 'MailUser[0] (Lara Newton) RecoverableItemsQuotaBytes must be a whole number of bytes (0 or more) or null, got the text "30 GB (32,212,254,720 bytes)"'],
    ['a negative quota', (s) => ((s.MailUser[0] as unknown as Record<string, unknown>).RecoverableItemsQuotaBytes = -1), 'MailUser[0] (Lara Newton) RecoverableItemsQuotaBytes must be a whole number of bytes (0 or more) or null, got the number -1'],
    ['capabilities as one string', (s) => ((s.MailUser[0] as unknown as Record<string, unknown>).PersistedCapabilities = 'ExchangeT2TMbxMove'), 'MailUser[0] (Lara Newton) PersistedCapabilities must be array'],
    ['a location that is not text', (s) => ((s.Mailbox[0] as unknown as Record<string, unknown>).MailboxLocations = [1]), 'Mailbox[0] (Nestor Wilke) MailboxLocations[0] must be string'],
    ['a disabled archive GUID of null', (s) => ((s.Mailbox[0] as unknown as Record<string, unknown>).DisabledArchiveGuid = null), 'Mailbox[0] (Nestor Wilke) DisabledArchiveGuid must be string'],
    ['an organization hold that is not text', (s) => ((s.OrganizationConfig as unknown as Record<string, unknown>).InPlaceHolds = ['mbx1', 2]), 'OrganizationConfig InPlaceHolds[1] must be string'],
    ['the cloud-managed default as text', (s) => ((s.OrganizationConfig as unknown as Record<string, unknown>).ExchangeAttributesCloudManagedByDefault = 'True'), 'OrganizationConfig ExchangeAttributesCloudManagedByDefault must be boolean'],
    ['statistics without a size', (s) => (s.MailboxStatistics = [{ MailboxGuid: 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e' } as never]), 'MailboxStatistics[0] (b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e) is missing TotalDeletedItemSizeBytes'],
    ['statistics as an object', (s) => ((s as unknown as Record<string, unknown>).MailboxStatistics = {}), 'MailboxStatistics must be array'],
  ])('%s: an error naming the tenant and the object', (_title, edit, message) => {
    const s = withEverything();
    edit(s);
    expect(() => checkSnapshot(s, 'northwind')).toThrow(`tenant northwind: ${message}`);
  });
});
