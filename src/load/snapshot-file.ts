// The snapshot file as export writes it: JSON Lines, one object per line, read and written in pieces
// so that no step holds the file as one JavaScript string (V8 caps a string at 512 MiB: about 370,000
// mail users per tenant in the old single-document file) and plan does not re-derive the digest.
//
//   {"format":"exo-gitops/snapshot-lines","snapshotVersion":1,"tenant":{…},"exportedAt":"…"}
//   {"collection":"OrganizationConfig","count":1,"single":true}
//   {…the one object…}
//   {"collection":"MailUser","count":50000}
//   {…one mail user per line, 50,000 lines…}
//   …
//   {"end":{"digest":"sha256:…","sha256":"…"}}
//
// The end line carries the snapshot's digest (plan/digest.ts: what a plan records and apply checks)
// and the sha256 of every byte before the end line. A reader hashes the bytes as it reads them (a
// fraction of the cost of digesting the parsed objects again); where they match, the digest is the
// one export computed, and where they do not (the file was edited by hand), the digest is computed
// from the content, so an edit can make a saved plan stale but never makes a digest lie about what
// was read. The counts make a cut-short file an error, not a smaller tenant. A file without the
// header line is read as the single JSON document earlier versions wrote (and people write by hand).

import { closeSync, fsyncSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync, mkdirSync } from 'node:fs';
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

export const SNAPSHOT_LINES_FORMAT = 'exo-gitops/snapshot-lines';

/** Top-level members of a snapshot that are not collections: they go in the header line. */
const HEADER_MEMBERS = ['snapshotVersion', 'tenant', 'exportedAt'] as const;

const CHUNK_BYTES = 8 << 20;
const NEWLINE = 0x0a;

export interface CollectionLine {
  collection: string;
  count: number;
  /** One object, not a list (OrganizationConfig). */
  single?: true;
}

/** Why a snapshot file could not be read; the caller names the tenant. */
export class SnapshotFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    message: string,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`} ${message}`);
    this.name = 'SnapshotFileError';
  }
}

export interface ReadSnapshotFile {
  /** The snapshot's members as read: not yet checked against the snapshot schema. */
  value: Record<string, unknown>;
  /** The digest export wrote, where the bytes before the end line are the ones it wrote; else undefined. */
  digest?: string;
  format: 'lines' | 'document';
}

/**
 * Called for each entry of a collection as it is read: throw to stop with an error about that entry.
 * `mayHoldControl` is false when the entry's line has no backslash and no DEL byte: JSON writes every
 * other control character as an escape, so none of its strings can hold one (plan/live-values.ts).
 */
export type EntryCheck = (collection: string, index: number, entry: unknown, mayHoldControl: boolean) => void;

const BACKSLASH = 0x5c;
const DEL = 0x7f;

/**
 * Whether the line [start, stop) of a buffer holds a given byte, for lines asked in order: the byte's
 * next position is found once and kept until a later line passes it, so a chunk is searched once. A
 * line that starts at or before the last search's start is in a new chunk (eachLine reuses its buffer).
 */
function byteFinder(byte: number): (buffer: Buffer, start: number, stop: number) => boolean {
  let searched: Buffer | undefined;
  let from = -1;
  let next = -1;
  return (buffer, start, stop) => {
    if (buffer !== searched || start <= from || (next !== -1 && next < start)) {
      searched = buffer;
      from = start;
      next = buffer.indexOf(byte, start);
    }
    return next !== -1 && next < stop;
  };
}

/**
 * Call `onLine` for every line of the file (the bytes between start and end, without the newline),
 * reading it in chunks of 8 MiB. Every byte is hashed until `onLine` returns false: the bytes of that
 * line and after are not. Returns the sha256 of the hashed bytes.
 *
 * Performance: one buffer, reused. The part line a chunk ends with moves to the buffer's start and
 * the next read lands after it (no new buffer per chunk); the buffer grows only for a line longer
 * than itself.
 */
function eachLine(file: string, chunkBytes: number, onLine: (buffer: Buffer, start: number, end: number, lineNumber: number) => boolean): string {
  const fd = openSync(file, 'r');
  const hash = createHash('sha256');
  let hashing = true;
  try {
    let buffer = Buffer.allocUnsafe(chunkBytes);
    let carried = 0;
    let lineNumber = 0;
    for (;;) {
      if (buffer.length - carried < chunkBytes) {
        // A line longer than the buffer so far: room for it and a whole chunk more.
        const larger = Buffer.allocUnsafe(carried + chunkBytes);
        buffer.copy(larger, 0, 0, carried);
        buffer = larger;
      }
      const read = readSync(fd, buffer, carried, chunkBytes, null);
      const filled = carried + read;
      let start = 0;
      for (;;) {
        const newline = buffer.indexOf(NEWLINE, start);
        if (newline === -1 || newline >= filled) break;
        lineNumber++;
        if (!onLine(buffer, start, newline, lineNumber) && hashing) {
          hash.update(buffer.subarray(0, start));
          hashing = false;
        }
        start = newline + 1;
      }
      if (hashing) hash.update(buffer.subarray(0, start));
      if (read === 0) {
        if (filled > start) {
          lineNumber++;
          if (onLine(buffer, start, filled, lineNumber) && hashing) hash.update(buffer.subarray(start, filled));
        }
        break;
      }
      // What follows the last newline waits for the next chunk, at the buffer's start.
      buffer.copy(buffer, 0, start, filled);
      carried = filled - start;
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

function firstLine(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(64 << 10);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    const end = buffer.subarray(0, read).indexOf(NEWLINE);
    return buffer.toString('utf8', 0, end === -1 ? read : end);
  } finally {
    closeSync(fd);
  }
}

function isLinesHeader(line: string): boolean {
  if (!line.startsWith('{') || !line.includes(SNAPSHOT_LINES_FORMAT)) return false;
  try {
    return (JSON.parse(line) as { format?: unknown }).format === SNAPSHOT_LINES_FORMAT;
  } catch {
    return false;
  }
}

/**
 * Read a snapshot file in either layout. Errors (not JSON, cut short, counts that do not add up) are
 * SnapshotFileErrors naming the file and line; `check` sees each collection entry as it is read.
 */
export function readSnapshotFile(file: string, check: EntryCheck = () => undefined, chunkBytes = CHUNK_BYTES): ReadSnapshotFile {
  if (!isLinesHeader(firstLine(file))) {
    const text = readFileSync(file, 'utf8');
    if (text.trim().length === 0) throw new SnapshotFileError(file, undefined, 'is empty');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new SnapshotFileError(file, undefined, `is not valid JSON (${(error as Error).message}); was it truncated?`);
    }
    return { value: value as Record<string, unknown>, format: 'document' };
  }
  const value: Record<string, unknown> = {};
  let collection: CollectionLine | undefined;
  let items: unknown[] = [];
  let end: { digest?: unknown; sha256?: unknown } | undefined;
  const fail = (line: number | undefined, message: string): never => {
    throw new SnapshotFileError(file, line, message);
  };
  const parse = (buffer: Buffer, start: number, stop: number, line: number): unknown => {
    try {
      return JSON.parse(buffer.toString('utf8', start, stop));
    } catch (error) {
      return fail(line, `is not valid JSON (${(error as Error).message}); was the file cut short or edited?`);
    }
  };
  const hasBackslash = byteFinder(BACKSLASH);
  const hasDel = byteFinder(DEL);
  const hashed = eachLine(file, chunkBytes, (buffer, start, stop, line) => {
    if (stop === start || (stop === start + 1 && buffer[start] === 0x0d)) return true;
    if (end !== undefined) fail(line, 'follows the end line: the file was edited or two files were joined');
    const parsed = parse(buffer, start, stop, line);
    if (line === 1) {
      const header = parsed as Record<string, unknown>;
      for (const member of HEADER_MEMBERS) if (header[member] !== undefined) value[member] = header[member];
      return true;
    }
    if (collection !== undefined && items.length < collection.count) {
      check(collection.collection, items.length, parsed, hasBackslash(buffer, start, stop) || hasDel(buffer, start, stop));
      items.push(parsed);
      if (items.length === collection.count) value[collection.collection] = collection.single ? items[0] : items;
      return true;
    }
    const record = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    if (record.end !== undefined && typeof record.end === 'object') {
      end = record.end as typeof end;
      return false;
    }
    if (typeof record.collection !== 'string' || !Number.isSafeInteger(record.count) || (record.count as number) < 0) {
      return fail(line, 'is not a collection line ({"collection":NAME,"count":N}) where one was expected');
    }
    if (record.collection in value) fail(line, `lists collection ${record.collection} a second time`);
    if (record.single === true && record.count !== 1) fail(line, `says ${record.collection} is one object but counts ${String(record.count)}`);
    collection = { collection: record.collection, count: record.count as number, ...(record.single === true ? { single: true as const } : {}) };
    items = [];
    if (collection.count === 0) value[collection.collection] = [];
    return true;
  });
  if (collection !== undefined && items.length < collection.count) {
    fail(undefined, `was cut short: collection ${collection.collection} has ${items.length} of its ${collection.count} entries`);
  }
  if (end === undefined) fail(undefined, 'was cut short: it has no end line');
  const digest = end!.sha256 === hashed && typeof end!.digest === 'string' ? end!.digest : undefined;
  return { value, format: 'lines', ...(digest ? { digest } : {}) };
}

/**
 * The lines of a snapshot (without the end line): the header, then each collection's line and its
 * entries, in the snapshot's own member order. Each entry is one JSON.stringify: no string is larger
 * than the largest object.
 */
export function* snapshotFileLines(snapshot: Readonly<Record<string, unknown>>): Generator<string> {
  const header: Record<string, unknown> = { format: SNAPSHOT_LINES_FORMAT };
  for (const member of HEADER_MEMBERS) if (snapshot[member] !== undefined) header[member] = snapshot[member];
  yield JSON.stringify(header);
  for (const [name, member] of Object.entries(snapshot)) {
    if ((HEADER_MEMBERS as readonly string[]).includes(name) || member === undefined) continue;
    if (Array.isArray(member)) {
      yield JSON.stringify({ collection: name, count: member.length });
      for (const entry of member) yield JSON.stringify(entry);
    } else {
      yield JSON.stringify({ collection: name, count: 1, single: true });
      yield JSON.stringify(member);
    }
  }
}

/**
 * Write a snapshot to `file` in the lines layout, atomically (a temporary file renamed into place), in
 * pieces of about 1 MiB, ending with its digest and the sha256 of what precedes the end line.
 */
export function writeSnapshotFile(file: string, snapshot: Readonly<Record<string, unknown>>, digest: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(temp, 'w', 0o644);
  try {
    const hash: Hash = createHash('sha256');
    let pending: string[] = [];
    let pendingLength = 0;
    const flush = (): void => {
      const bytes = Buffer.from(pending.join(''), 'utf8');
      hash.update(bytes);
      for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
      pending = [];
      pendingLength = 0;
    };
    for (const line of snapshotFileLines(snapshot)) {
      pending.push(line, '\n');
      pendingLength += line.length + 1;
      if (pendingLength > 1 << 20) flush();
    }
    flush();
    const endLine = Buffer.from(`${JSON.stringify({ end: { digest, sha256: hash.digest('hex') } })}\n`, 'utf8');
    for (let written = 0; written < endLine.length; ) written += writeSync(fd, endLine, written);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, file);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(temp, { force: true });
    throw error;
  }
}
