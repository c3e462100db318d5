// Digests say what a plan was made from. A snapshot's digest ignores when it was exported, the
// order Exchange happened to return objects and values in, and null versus empty text, so re-exporting an unchanged tenant
// keeps the digest and only a real change makes a saved plan stale.

import { createHash } from 'node:crypto';
import type { Snapshot } from '../model/snapshot.js';

function canonical(value: unknown): unknown {
  // null and "" are the same unset value to Exchange (and to the diff): exports print either.
  if (value === null) return '';
  if (Array.isArray(value)) {
    const items = value.map(canonical);
    if (items.every((i) => typeof i !== 'object' || i === null)) {
      return [...items].sort((a, b) => (String(a).toLowerCase() < String(b).toLowerCase() ? -1 : String(a).toLowerCase() > String(b).toLowerCase() ? 1 : 0));
    }
    const keyed = items.map((i) => [JSON.stringify(i), i] as const);
    keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return keyed.map(([, i]) => i);
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = canonical((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function snapshotDigest(snapshot: Snapshot): string {
  const { exportedAt: _ignored, ...rest } = snapshot;
  return `sha256:${sha256(JSON.stringify(canonical(rest)))}`;
}

/** Digest of the desired state from each file's path (relative to the config directory) and content hash. */
export function desiredDigest(contentHashes: ReadonlyMap<string, string>): string {
  const lines = [...contentHashes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([file, hash]) => `${file}\0${hash}`);
  return `sha256:${sha256(lines.join('\n'))}`;
}
