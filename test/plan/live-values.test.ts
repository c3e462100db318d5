// A control character in live data (a NUL Exchange returned) is a finding on its object: the plan
// says where it is, and it does not refuse the plan (an action sending it fails alone at apply).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readSnapshot } from '../../src/load/snapshot.js';
import { readSnapshotFile, writeSnapshotFile } from '../../src/load/snapshot-file.js';
import { controlSuspectsOf, type Snapshot } from '../../src/model/snapshot.js';
import { deriveSnapshotDigest } from '../../src/plan/digest.js';
import { checkLiveValues } from '../../src/plan/live-values.js';
import { baseFiles, planFor, snapshots } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'exo-live-values-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

describe('control characters in live data', () => {
  it('are a warning naming the tenant, kind, object and property', () => {
    const plan = planFor(baseFiles(), snapshots((l) => {
      l.northwind.MailUser[0]!.CustomAttribute3 = 'bad\u0000value';
    }));
    const found = plan.findings.filter((f) => f.code === 'LiveControlCharacter');
    expect(found).toEqual([expect.objectContaining({ severity: 'warning', tenant: 'northwind', kind: 'MailUser', object: 'Lara Newton', message: 'northwind/MailUser/Lara Newton: CustomAttribute3 holds a control character (U+0000)' })]);
  });

  it('tab and line breaks are not control characters here, and clean state gives no finding', () => {
    expect(planFor(baseFiles(), snapshots()).findings.filter((f) => f.code === 'LiveControlCharacter')).toEqual([]);
    fc.assert(
      fc.property(fc.string().filter((s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(s)), (text) => {
        const live = snapshots((l) => {
          l.northwind.MailUser[0]!.CustomAttribute3 = `a\tb\r\nc${text}`;
        });
        expect(checkLiveValues(live)).toEqual([]);
      }),
      { numRuns: 50 },
    );
  });
});

describe('control characters in a snapshot read from lines', () => {
  /** Strings with the characters that matter here: controls, DEL, backslashes, quotes, tabs, multi-byte. */
  const tricky = fc.array(fc.constantFrom('a', 'Z', '\\', '"', '\t', '\n', '\u0000', '\u0007', '\u001b', '\u007f', '\u0080', 'é', '中', '🚀', '/'), { maxLength: 8 }).map((parts) => parts.join(''));

  it('finds exactly what searching every entry finds, with any chunk size', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(2), fc.constantFrom('CustomAttribute3', 'DisplayName', 'Name'), tricky), { maxLength: 6 }), fc.integer({ min: 1, max: 4096 }), (edits, chunk) => {
        const live = snapshots((l) => {
          for (const [index, property, value] of edits) {
            const user = l.northwind.MailUser[index % l.northwind.MailUser.length]!;
            (user as unknown as Record<string, unknown>)[property] = value;
          }
        });
        const northwind = live.get('northwind')!;
        const file = join(dir, `s${++files}`, 'northwind.json');
        writeSnapshotFile(file, northwind as unknown as Record<string, unknown>, deriveSnapshotDigest(northwind));
        const read = readSnapshot(file, 'northwind');
        expect(controlSuspectsOf(read)).toBeDefined();
        expect(checkLiveValues(new Map([['northwind', read]]))).toEqual(checkLiveValues(new Map([['northwind', structuredClone(northwind) as Snapshot]])));
        // The suspects do not depend on where the chunks end.
        const flagged: number[] = [];
        readSnapshotFile(file, (collection, i, _entry, mayHoldControl) => collection === 'MailUser' && mayHoldControl && flagged.push(i), chunk);
        const expected: number[] = [];
        readSnapshotFile(file, (collection, i, _entry, mayHoldControl) => collection === 'MailUser' && mayHoldControl && expected.push(i));
        expect(flagged).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('searches only the entries whose line has an escape or a DEL byte', () => {
    const live = snapshots((l) => {
      l.northwind.MailUser[0]!.CustomAttribute3 = 'bell\u0007';
    });
    const northwind = live.get('northwind')!;
    const file = join(dir, `s${++files}`, 'northwind.json');
    writeSnapshotFile(file, northwind as unknown as Record<string, unknown>, deriveSnapshotDigest(northwind));
    const suspects = controlSuspectsOf(readSnapshot(file, 'northwind'))!;
    expect(suspects.map((s) => s.collection)).toEqual(['MailUser']);
  });
});
