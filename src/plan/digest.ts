// Digests say what a plan was made from. A snapshot's digest ignores when it was exported, the
// order Exchange happened to return objects and values in, and null versus empty text, so re-exporting an unchanged tenant
// keeps the digest and only a real change makes a saved plan stale.

import { createHash } from 'node:crypto';
import { exportDigestOf, type Snapshot } from '../model/snapshot.js';

/**
 * The canonical JSON text of a value, written in pieces to `out`: null as "", arrays of plain values
 * sorted case-insensitively, an array of objects as the sorted sha256 hashes of its entries' canonical
 * texts, object keys sorted (integer-like keys first, as JSON.stringify orders them; undefined
 * members left out).
 *
 * Performance (N = 50,000 MailUsers, 130 MB of snapshots): building canonical copies, stringifying
 * every object twice (once to sort, once for the digest) and hashing one 100 MB string took 2.0 s of
 * a 50k plan; writing the text once, in pieces straight into the hash, takes a fraction of that, and
 * hashing each entry on its own keeps a 50,000-entry collection's texts from being held all at once.
 */
function writeCanonical(value: unknown, out: (piece: string) => void): void {
  if (value === null) {
    out('""');
    return;
  }
  if (Array.isArray(value)) {
    if (value.every((item) => item === null || typeof item !== 'object')) {
      const items = value.map((item) => (item === null ? '' : item) as unknown);
      const keys = items.map((item) => String(item).toLowerCase());
      const order = items.map((_, i) => i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b));
      out(`[${order.map((i) => JSON.stringify(items[i]) ?? 'null').join(',')}]`);
      return;
    }
    // Order-insensitive without holding every entry's text at once: each entry stands for the hash
    // of its canonical text, and the sorted hashes are what is digested (a multiset hash).
    const hashes = value.map((item) => sha256(canonicalText(item)));
    hashes.sort();
    out(`[${hashes.map((h) => `"${h}"`).join(',')}]`);
    return;
  }
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const sorted = Object.keys(record).sort();
    // JSON.stringify (and object enumeration) puts array-index keys first, in numeric order.
    const indexKeys = sorted.filter(isArrayIndex).sort((a, b) => Number(a) - Number(b));
    const keys = indexKeys.length > 0 ? [...indexKeys, ...sorted.filter((k) => !isArrayIndex(k))] : sorted;
    out('{');
    let first = true;
    for (const key of keys) {
      const member = record[key];
      if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
      out(`${first ? '' : ','}${JSON.stringify(key)}:`);
      first = false;
      writeCanonical(member, out);
    }
    out('}');
    return;
  }
  out(JSON.stringify(value) ?? 'null');
}

function isArrayIndex(key: string): boolean {
  return /^(?:0|[1-9]\d*)$/.test(key) && Number(key) < 2 ** 32 - 1;
}

function canonicalText(value: unknown): string {
  const pieces: string[] = [];
  writeCanonical(value, (piece) => pieces.push(piece));
  return pieces.join('');
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The snapshot's digest: the one export wrote with it when the file is as written, else derived. */
export function snapshotDigest(snapshot: Snapshot): string {
  return exportDigestOf(snapshot) ?? deriveSnapshotDigest(snapshot);
}

/** The snapshot's digest from its content, whatever export recorded. */
export function deriveSnapshotDigest(snapshot: Snapshot): string {
  // Left out: when it was exported, and mailbox statistics, which change whenever a user deletes mail
  // (a saved plan would be stale minutes later). A statistic that changes a finding still makes the
  // rebuilt plan differ from the saved one: apply --plan compares the whole plan too.
  // Batch progress too: counts and each user's status move on every minute of a migration. What the
  // plan acts on stays in: which batches exist with which settings and status, and who is in them.
  const { exportedAt: _ignored, MailboxStatistics: _volatile, MigrationBatch: batches, MigrationUser: users, ...kept } = snapshot;
  const rest = {
    ...kept,
    ...(batches ? { MigrationBatch: batches.map(({ TotalCount: _t, ActiveCount: _a, SyncedCount: _s, FinalizedCount: _f, FailedCount: _x, ...b }) => b) } : {}),
    ...(users ? { MigrationUser: users.map(({ Identity, BatchId }) => ({ Identity, BatchId })) } : {}),
  };
  // Pieces are gathered into ~1 MB strings before hashing: one update per piece would cost more than
  // the hashing, and one string of the whole snapshot would cost its size in memory.
  const hash = createHash('sha256');
  let buffer = '';
  writeCanonical(rest, (piece) => {
    buffer += piece;
    if (buffer.length > 1 << 20) {
      hash.update(buffer);
      buffer = '';
    }
  });
  hash.update(buffer);
  return `sha256:${hash.digest('hex')}`;
}

/** Digest of the desired state from each file's path (relative to the config directory) and content hash. */
export function desiredDigest(contentHashes: ReadonlyMap<string, string>): string {
  const lines = [...contentHashes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([file, hash]) => `${file}\0${hash}`);
  return `sha256:${sha256(lines.join('\n'))}`;
}
