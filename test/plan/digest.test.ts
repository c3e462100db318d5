// The streaming snapshot digest (src/plan/digest.ts) must give exactly the digest of a plain reference
// implementation (canonical copy + JSON.stringify + one hash): the definition, written the slow way.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/model/snapshot.js';
import { snapshotDigest } from '../../src/plan/digest.js';

/** The definition, kept here as the reference: arrays of objects stand as their entries' sorted hashes. */
function canonical(value: unknown): unknown {
  if (value === null) return '';
  if (Array.isArray(value)) {
    const items = value.map(canonical);
    if (items.every((i) => typeof i !== 'object' || i === null)) {
      return [...items].sort((a, b) => (String(a).toLowerCase() < String(b).toLowerCase() ? -1 : String(a).toLowerCase() > String(b).toLowerCase() ? 1 : 0));
    }
    return items.map((i) => createHash('sha256').update(JSON.stringify(i)).digest('hex')).sort();
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = canonical((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
function referenceDigest(snapshot: Snapshot): string {
  const { exportedAt: _ignored, MailboxStatistics: _volatile, ...rest } = snapshot;
  return `sha256:${createHash('sha256').update(JSON.stringify(canonical(rest))).digest('hex')}`;
}

describe('snapshot digest', () => {
  it('equals the reference digest for the example snapshots', () => {
    for (const tenant of ['contoso', 'northwind']) {
      const snapshot = JSON.parse(readFileSync(new URL(`../../examples/contoso-northwind/state/${tenant}.json`, import.meta.url), 'utf8')) as Snapshot;
      expect(snapshotDigest(snapshot)).toBe(referenceDigest(snapshot));
    }
  });

  it('equals the reference digest for any JSON value (integer-like keys, nulls, mixed and nested arrays, case ties)', () => {
    const key = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('0', '1', '10', '2', '01', 'A', 'a', 'B', '__proto__x'));
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom('a', 'A', 'b', 'B', ''), fc.string(), tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 6 }),
      object: fc.dictionary(key, tie('value'), { maxKeys: 6 }),
    }));
    fc.assert(
      fc.property(fc.dictionary(key, json.value, { maxKeys: 6 }), (body) => {
        const snapshot = { exportedAt: 'x', ...body } as unknown as Snapshot;
        expect(snapshotDigest(snapshot)).toBe(referenceDigest(snapshot));
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it('ignores exportedAt and object order, as before', () => {
    const a = { snapshotVersion: 1, exportedAt: '1', MailUser: [{ Name: 'b', EmailAddresses: ['SMTP:B@x', 'smtp:a@x'] }, { Name: 'a', EmailAddresses: [] }] } as unknown as Snapshot;
    const b = { exportedAt: '2', MailUser: [{ EmailAddresses: [], Name: 'a' }, { Name: 'b', EmailAddresses: ['smtp:a@x', 'SMTP:B@x'] }], snapshotVersion: 1 } as unknown as Snapshot;
    expect(snapshotDigest(a)).toBe(snapshotDigest(b));
  });

  it('ignores mailbox statistics (they change whenever a user deletes mail), but not the objects', () => {
    const base = { snapshotVersion: 1, exportedAt: '1', MailUser: [] } as unknown as Snapshot;
    const withStats = { ...base, MailboxStatistics: [{ MailboxGuid: '1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8', TotalDeletedItemSizeBytes: 1024 }] } as Snapshot;
    expect(snapshotDigest(withStats)).toBe(snapshotDigest(base));
    expect(snapshotDigest({ ...withStats, MailboxStatistics: [{ MailboxGuid: '1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8', TotalDeletedItemSizeBytes: 4096 }] })).toBe(snapshotDigest(withStats));
    expect(snapshotDigest({ ...base, MailUser: [{ Name: 'x' }] } as unknown as Snapshot)).not.toBe(snapshotDigest(base));
  });
});
