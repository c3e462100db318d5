// The snapshot file as export writes it (src/load/snapshot-file.ts): JSON Lines read in chunks, with
// the digest export computed trusted only while the bytes are the ones it wrote, every cut-short or
// edited file an error naming the file and line, and the single-document layout still read.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readSnapshot, SnapshotError } from '../../src/load/snapshot.js';
import { readSnapshotFile, SNAPSHOT_LINES_FORMAT, writeSnapshotFile } from '../../src/load/snapshot-file.js';
import { exportDigestOf, type Snapshot } from '../../src/model/snapshot.js';
import { deriveSnapshotDigest, snapshotDigest } from '../../src/plan/digest.js';

const root = new URL('../../', import.meta.url).pathname;
const example = (tenant: string): Snapshot => JSON.parse(readFileSync(join(root, 'examples/contoso-northwind/state', `${tenant}.json`), 'utf8')) as Snapshot;
const dir = mkdtempSync(join(tmpdir(), 'exo-snapshot-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const fresh = (): string => join(dir, `f${++files}`, 'northwind.json');

/** The example's northwind with names in several scripts (multi-byte UTF-8 across chunk edges). */
function northwind(): Snapshot {
  const s = example('northwind');
  s.MailUser[0]!.Name = 'Zoë Ångström 中文 🚀';
  s.Mailbox[0]!.EmailAddresses = [...s.Mailbox[0]!.EmailAddresses, 'X500:/o=Zoë/ou=✓'];
  return s;
}

function written(snapshot: Snapshot = northwind()): { file: string; digest: string } {
  const file = fresh();
  const digest = deriveSnapshotDigest(snapshot);
  writeSnapshotFile(file, snapshot as unknown as Record<string, unknown>, digest);
  return { file, digest };
}

describe('snapshot lines', () => {
  it('round-trips: the same snapshot, and the digest export wrote is the one plan uses', () => {
    const original = northwind();
    const { file, digest } = written(original);
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toContain(SNAPSHOT_LINES_FORMAT);
    // One object per line: as many lines as entries, plus the header, a line per collection and the end line.
    const collections = Object.entries(original).filter(([k]) => !['snapshotVersion', 'tenant', 'exportedAt'].includes(k));
    const entries = collections.reduce((n, [, v]) => n + (Array.isArray(v) ? v.length : 1), 0);
    expect(text.trimEnd().split('\n')).toHaveLength(1 + collections.length + entries + 1);
    const read = readSnapshot(file, 'northwind');
    expect(read).toEqual(original);
    expect(exportDigestOf(read)).toBe(digest);
    expect(snapshotDigest(read)).toBe(deriveSnapshotDigest(read));
  });

  it('reads the same whatever the chunk size, lines and multi-byte characters cut anywhere', () => {
    const { file } = written();
    const whole = readSnapshotFile(file);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), (chunk) => {
        const read = readSnapshotFile(file, undefined, chunk);
        expect(read.value).toEqual(whole.value);
        expect(read.digest).toBe(whole.digest);
      }),
      { numRuns: 40 },
    );
  });

  it('an edited file keeps its content but not the digest export wrote: the digest is derived from what was read', () => {
    const { file, digest } = written();
    writeFileSync(file, readFileSync(file, 'utf8').replace('"IsDehydrated":false', '"IsDehydrated":true'));
    const read = readSnapshot(file, 'northwind');
    expect(read.OrganizationConfig.IsDehydrated).toBe(true);
    expect(exportDigestOf(read)).toBeUndefined();
    expect(snapshotDigest(read)).not.toBe(digest);
    expect(snapshotDigest(read)).toBe(deriveSnapshotDigest(read));
  });

  it('a file cut anywhere before its end line is an error, never a smaller tenant', () => {
    const { file } = written();
    const bytes = readFileSync(file);
    const endLine = bytes.lastIndexOf('{"end"');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: endLine + 5 }), (cut) => {
        const copy = fresh();
        writeSnapshotFile(copy, {}, 'x');
        writeFileSync(copy, bytes.subarray(0, cut));
        expect(() => readSnapshot(copy, 'northwind')).toThrow(SnapshotError);
      }),
      { numRuns: 60 },
    );
  });

  it('names the file and line of a bad line, and what is wrong with an entry', () => {
    const { file } = written();
    const lines = readFileSync(file, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('"collection":"MailUser"')) + 2;
    const broken = [...lines];
    broken[at - 1] = '{"Name": "Half';
    writeFileSync(file, broken.join('\n'));
    expect(() => readSnapshot(file, 'northwind')).toThrow(new RegExp(`tenant northwind: .*northwind\\.json:${at} is not valid JSON`));
    const missing = [...lines];
    const user = JSON.parse(lines[at - 1]!);
    delete user.Alias;
    missing[at - 1] = JSON.stringify(user);
    writeFileSync(file, missing.join('\n'));
    expect(() => readSnapshot(file, 'northwind')).toThrow(`tenant northwind: MailUser[0] (${user.Name}) is missing Alias`);
    writeFileSync(file, `${lines.join('\n')}{"collection":"Extra","count":0}\n`);
    expect(() => readSnapshot(file, 'northwind')).toThrow(/follows the end line/);
  });

  it('a required collection left out is the error a whole snapshot gives', () => {
    const s = northwind() as unknown as Record<string, unknown>;
    delete s.Mailbox;
    const file = fresh();
    writeSnapshotFile(file, s, 'sha256:x');
    expect(() => readSnapshot(file, 'northwind')).toThrow('tenant northwind: the snapshot is missing Mailbox');
  });

  it('still reads the single JSON document earlier versions wrote, pretty or not, and derives its digest', () => {
    for (const text of [JSON.stringify(northwind(), null, 2), JSON.stringify(northwind())]) {
      const file = fresh();
      writeSnapshotFile(file, {}, 'x');
      writeFileSync(file, text);
      const read = readSnapshot(file, 'northwind');
      expect(read).toEqual(northwind());
      expect(exportDigestOf(read)).toBeUndefined();
    }
  });
});
