// Read and check live snapshots (`<state>/<tenant>.json`). A snapshot comes from PowerShell output or
// from a file someone edited; either way it is checked against the shape plan relies on, and every
// problem names the tenant and the object, never a stack trace.

import { join } from 'node:path';
import type { ErrorObject } from 'ajv';
import { recordControlSuspects, recordExportDigest, type Snapshot } from '../model/snapshot.js';
import { validators, type Validator } from '../schema/generated/snapshot.js';
import { readSnapshotFile, SnapshotFileError } from './snapshot-file.js';

// Compiled ahead of time from src/schema/snapshot.ts (src/schema/precompiled.ts): plan loads no ajv.
const validateSnapshot = validators.snapshot;
/** Each collection's entry validator on its own: a snapshot read line by line is checked entry by entry. */
const entryValidators = new Map<string, Validator>(Object.entries(validators).filter(([name]) => name !== 'snapshot'));

export class SnapshotError extends Error {
  constructor(
    readonly tenant: string,
    message: string,
  ) {
    super(`tenant ${tenant}: ${message}`);
    this.name = 'SnapshotError';
  }
}

/** What a property may hold where the schema allows more than one type (its anyOf), in words. */
const ALTERNATIVES: Record<string, string> = {
  MaxConcurrentMigrations: 'a whole number, "Unlimited" or null',
  RecoverableItemsQuotaBytes: 'a whole number of bytes (0 or more) or null',
};

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Say which object and property a JSON pointer into a snapshot names: "MailUser[3] (LaraN)" and
 * "EmailAddresses[0]" for an item of a collection, "OrganizationConfig" and "InPlaceHolds[1]" for
 * the one object of a kind.
 */
function describePointer(value: unknown, pointer: string): { object: string; field: string } {
  const [collection, index, ...rest] = pointer.split('/').slice(1);
  if (collection === undefined) return { object: 'the snapshot', field: '' };
  const container = (value as Record<string, unknown>)[collection];
  let object = collection;
  let path = [index, ...rest].filter((part): part is string => part !== undefined);
  if (Array.isArray(container) && index !== undefined) {
    const item = container[Number(index)] as Record<string, unknown> | undefined;
    const name = item?.Name ?? item?.Identity ?? item?.DomainName ?? item?.MailboxGuid;
    object = `${collection}[${index}]${typeof name === 'string' ? ` (${name})` : ''}`;
    path = rest;
  }
  const field = path.map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`)).join('').replace(/^\./, '');
  return { object, field };
}

function valueAt(value: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .reduce<unknown>((current, part) => (current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[part] : undefined), value);
}

/** The first of a validator's errors, in words: "MailUser[3] (LaraN) is missing Alias". */
function describeFailure(errors: readonly ErrorObject[], root: unknown, prefix = ''): string {
  // For a property of several types, the anyOf error says what it may be; its branches' errors do not.
  const error = errors.find((e) => e.keyword === 'anyOf') ?? errors[0]!;
  const pointer = `${prefix}${error.instancePath}`;
  const { object, field } = describePointer(root, pointer);
  let detail: string;
  if (error.keyword === 'required') detail = `is missing ${field ? `${field}.` : ''}${(error.params as { missingProperty: string }).missingProperty}`;
  else if (error.keyword === 'anyOf') {
    const property = pointer.split('/').pop() ?? '';
    detail = `${field} must be ${ALTERNATIVES[property] ?? 'of another type'}, got ${kindOf(valueAt(root, pointer))}`;
  } else detail = `${field ? `${field} ` : ''}${error.message}`;
  return `${object} ${detail}`;
}

/** Check a parsed value is a snapshot of `tenant`; throws SnapshotError saying what is wrong. */
export function checkSnapshot(value: unknown, tenant: string): Snapshot {
  if (!validateSnapshot(value)) throw new SnapshotError(tenant, describeFailure(validateSnapshot.errors!, value));
  return value as unknown as Snapshot;
}

/**
 * Check one entry of a collection, as a snapshot read line by line delivers it; the message is the
 * one checkSnapshot gives for the same entry in a whole snapshot.
 */
function checkEntry(tenant: string, collection: string, index: number, entry: unknown): void {
  const validate = entryValidators.get(collection);
  if (validate === undefined || validate(entry)) return;
  const container: unknown[] = [];
  container[index] = entry;
  throw new SnapshotError(tenant, describeFailure(validate.errors!, { [collection]: container }, `/${collection}/${index}`));
}

/** The whole snapshot's check, after its entries were checked one by one: every collection left empty. */
function checkSkeleton(value: Record<string, unknown>, tenant: string): Snapshot {
  const skeleton: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(value)) skeleton[name] = Array.isArray(member) && entryValidators.has(name) ? [] : member;
  checkSnapshot(skeleton, tenant);
  return value as unknown as Snapshot;
}

export function snapshotPath(stateDirectory: string, tenant: string): string {
  return join(stateDirectory, `${tenant}.json`);
}

/**
 * Read and check one tenant's snapshot file, in either layout (load/snapshot-file.ts). The digest export
 * wrote is kept with the snapshot where the file's bytes are the ones it wrote (plan/digest.ts uses it).
 */
export function readSnapshot(file: string, tenant: string): Snapshot {
  let read: ReturnType<typeof readSnapshotFile>;
  const suspects: { collection: string; entry: unknown }[] = [];
  try {
    read = readSnapshotFile(file, (collection, index, entry, mayHoldControl) => {
      checkEntry(tenant, collection, index, entry);
      if (mayHoldControl) suspects.push({ collection, entry });
    });
  } catch (error) {
    if (error instanceof SnapshotError) throw error;
    if (error instanceof SnapshotFileError) throw new SnapshotError(tenant, error.message);
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist: run exo-gitops export first, or plan without --state' : (error as Error).message;
    throw new SnapshotError(tenant, `${file} ${reason}`);
  }
  const snapshot = read.format === 'lines' ? checkSkeleton(read.value, tenant) : checkSnapshot(read.value, tenant);
  if (snapshot.tenant.name !== tenant) {
    throw new SnapshotError(tenant, `${file} is a snapshot of tenant ${snapshot.tenant.name}`);
  }
  if (read.digest !== undefined) recordExportDigest(snapshot, read.digest);
  // Lines tell which entries could hold a control character; a whole document does not.
  if (read.format === 'lines') recordControlSuspects(snapshot, suspects);
  return snapshot;
}

/** Read `<state>/<tenant>.json` for each tenant; missing files are reported together. */
export function readSnapshots(stateDirectory: string, tenants: readonly string[]): Map<string, Snapshot> {
  const snapshots = new Map<string, Snapshot>();
  for (const tenant of tenants) snapshots.set(tenant, readSnapshot(snapshotPath(stateDirectory, tenant), tenant));
  return snapshots;
}
