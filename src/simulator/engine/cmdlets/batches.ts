// Migration batches and their users (cross-tenant moves run from the target tenant). Exchange's
// behaviour, from the cmdlet reference (../shared/reference/exo-cmdlets.json) and the cross-tenant
// guide: New-MigrationBatch takes a CSV of target addresses (an EmailAddress column); a user belongs
// to one batch (UserDuplicateInOtherBatchException); Set-MigrationBatch -AddUsers -CSVData processes
// only new rows; Complete-MigrationBatch finalizes a Synced batch (in Exchange Online it sets
// CompleteAfter to now); Remove-MigrationBatch deletes a batch that isn't running or is completed.
// Time moves in moves.ts (advanceMigrations), never by itself.
import type { MigrationBatchEntry, MigrationUserEntry } from '../../../model/snapshot.js';
import { exchangeError, NotSupportedError } from '../../errors.js';
import { DateTimeValue, isNull, PSObject, toStr } from '../../values.js';
import { isMultiValuedChange } from '../bound.js';
import type { TenantState } from '../state.js';
import { type ExchangeCall, type ExchangeCmdlet, emitList, has, notFound, requireIdentity, requireNoPrompt, stringValue, supportOnly, value } from './common.js';

/** The most rows a batch's CSV may hold. */
export const BATCH_ROW_LIMIT = 2000;

const RUNNING = new Set(['syncing', 'completing', 'starting', 'stopping', 'removing']);

// Reading never adds the collections to a state that has none: a failed or read-only call leaves the
// state file as it was (the pwsh host reloads state per call and would not see such a change).
export function batchesOf(state: TenantState): MigrationBatchEntry[] {
  return state.snapshot.MigrationBatch ?? [];
}

export function migrationUsersOf(state: TenantState): MigrationUserEntry[] {
  return state.snapshot.MigrationUser ?? [];
}

type BatchCounts = Pick<MigrationBatchEntry, 'TotalCount' | 'ActiveCount' | 'SyncedCount' | 'FinalizedCount' | 'FailedCount'>;

/** A batch's counts, from its users: Active are those not Synced, Completed, Failed or Stopped. */
export function countsOf(state: TenantState, batch: MigrationBatchEntry): BatchCounts {
  const users = migrationUsersOf(state).filter((u) => u.BatchId.toLowerCase() === batch.Identity.toLowerCase());
  const is = (...statuses: string[]) => users.filter((u) => statuses.includes(u.Status)).length;
  return {
    TotalCount: users.length,
    ActiveCount: users.length - is('Synced', 'Completed', 'Failed', 'Stopped'),
    SyncedCount: is('Synced'),
    FinalizedCount: is('Completed'),
    FailedCount: is('Failed'),
  };
}

/** Stores a batch's counts after its users changed. */
export function recount(state: TenantState, batch: MigrationBatchEntry): void {
  Object.assign(batch, countsOf(state, batch));
  state.markDirty();
}

/**
 * The rows of a CSV (RFC 4180: cells in double quotes may hold commas, quotes doubled and line
 * breaks), the EmailAddress column of each, header matched case-insensitively; blank lines skipped.
 */
export function csvAddresses(text: string): string[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  const nonBlank = rows.filter((r) => r.some((c) => c.trim() !== ''));
  const header = nonBlank.shift() ?? [];
  const column = header.findIndex((name) => name.trim().toLowerCase() === 'emailaddress');
  if (column === -1) {
    throw exchangeError('The CSV file must have a header row with an EmailAddress column.', 'MigrationCSVParsingException', 'InvalidData');
  }
  return nonBlank.map((r) => (r[column] ?? '').trim()).filter((address) => address !== '');
}

function csvOf(call: ExchangeCall): string[] {
  const raw = value(call, 'CSVData');
  const bytes = isNull(raw) ? [] : Array.isArray(raw) ? (raw as number[]) : [Number(raw)];
  const addresses = csvAddresses(Buffer.from(bytes).toString('utf8').replace(/^\uFEFF/, ''));
  if (addresses.length === 0) throw exchangeError('The CSV file has no rows: add at least one user.', 'MigrationCSVParsingException', 'InvalidData');
  if (addresses.length > BATCH_ROW_LIMIT) {
    throw exchangeError(`The CSV file has ${addresses.length} rows; a migration batch can contain at most ${BATCH_ROW_LIMIT} users.`, 'MigrationCSVTooManyRowsException', 'InvalidData');
  }
  return addresses;
}

function findBatch(call: ExchangeCall, identity: string): MigrationBatchEntry {
  const batch = batchesOf(call.state).find((b) => b.Identity.toLowerCase() === identity.toLowerCase());
  if (!batch) throw notFound(call.state, identity);
  return batch;
}

/** CompleteAfter as Exchange keeps it: UTC, to the second. */
function completeAfterOf(call: ExchangeCall): string | null {
  const raw = value(call, 'CompleteAfter');
  if (!(raw instanceof DateTimeValue)) return null;
  return raw.toUniversalTime().date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function addressesOf(call: ExchangeCall, name: string): string[] {
  const raw = value(call, name);
  if (isNull(raw)) return [];
  if (isMultiValuedChange(raw)) return raw.add.map(toStr);
  return (Array.isArray(raw) ? raw : [raw]).map(toStr);
}

/** Adds users to a batch: none may be in another batch (nothing is added then), rows already in it are skipped. */
function addUsers(call: ExchangeCall, batch: MigrationBatchEntry, addresses: string[], status: string): void {
  const users = migrationUsersOf(call.state);
  const byAddress = new Map(users.map((u) => [u.Identity.toLowerCase(), u]));
  const seen = new Set<string>();
  const fresh: string[] = [];
  for (const address of addresses) {
    const key = address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const existing = byAddress.get(key);
    if (existing && existing.BatchId.toLowerCase() !== batch.Identity.toLowerCase()) {
      throw exchangeError(
        `UserDuplicateInOtherBatchException: The user ${address} already exists in migration batch '${existing.BatchId}'. Remove the user from that batch (Get-MigrationUser ${address} | Remove-MigrationUser) before adding it to another.`,
        'UserDuplicateInOtherBatchException',
        'InvalidArgument',
        address,
      );
    }
    if (!existing) fresh.push(address);
  }
  for (const address of fresh) users.push({ Identity: address, BatchId: batch.Identity, Status: status, ErrorSummary: '' });
  recount(call.state, batch);
}

/** A batch as Get-MigrationBatch prints it: the counts always from its users, CompleteAfterUTC a DateTime (Utc). */
function batchObject(state: TenantState, batch: MigrationBatchEntry): PSObject {
  const object = new PSObject([], 'Microsoft.Exchange.Migration.MigrationBatch');
  const entry = { ...batch, ...countsOf(state, batch) };
  for (const [name, item] of Object.entries(entry)) {
    if (name === 'CompleteAfterUTC') object.set(name, isNull(item) ? null : new DateTimeValue(new Date(String(item)), 'Utc'));
    else object.set(name, Array.isArray(item) ? [...item] : item);
  }
  object.set('MigrationType', 'ExchangeRemoteMove');
  return object;
}

function userObject(user: MigrationUserEntry): PSObject {
  return new PSObject(Object.entries({ ...user, MailboxEmailAddress: user.Identity }), 'Microsoft.Exchange.Migration.MigrationUser');
}

const newMigrationBatch: ExchangeCmdlet = (call) => {
  if (call.bound.parameterSet !== 'Onboarding') {
    throw new NotSupportedError(`New-MigrationBatch in the parameter set '${call.bound.parameterSet}' is not supported by the simulator (only Onboarding is).`);
  }
  supportOnly(call, ['Name', 'CSVData', 'SourceEndpoint', 'TargetDeliveryDomain', 'AutoStart', 'CompleteAfter', 'NotificationEmails']);
  const name = stringValue(call, 'Name') ?? '';
  if (batchesOf(call.state).some((b) => b.Identity.toLowerCase() === name.toLowerCase())) {
    throw exchangeError(`A migration batch with the name '${name}' already exists.`, 'MigrationJobAlreadyExistsException', 'ResourceExists', name);
  }
  const endpoint = stringValue(call, 'SourceEndpoint');
  const endpointEntry = endpoint === null ? undefined : call.state.snapshot.MigrationEndpoint.find((e) => e.Identity.toLowerCase() === endpoint.toLowerCase());
  if (endpoint !== null && !endpointEntry) throw notFound(call.state, endpoint);
  const addresses = csvOf(call);
  const started = value(call, 'AutoStart') === true;
  const batch: MigrationBatchEntry = {
    Identity: name,
    Status: started ? 'Syncing' : 'Created',
    SourceEndpoint: endpointEntry?.Identity ?? null,
    TargetDeliveryDomain: stringValue(call, 'TargetDeliveryDomain'),
    NotificationEmails: addressesOf(call, 'NotificationEmails'),
    CompleteAfterUTC: completeAfterOf(call),
    TotalCount: 0,
    ActiveCount: 0,
    SyncedCount: 0,
    FinalizedCount: 0,
    FailedCount: 0,
  };
  // Checked before anything is stored: a user of another batch fails the whole call.
  call.state.snapshot.MigrationBatch ??= [];
  call.state.snapshot.MigrationUser ??= [];
  const before = migrationUsersOf(call.state).length;
  batchesOf(call.state).push(batch);
  try {
    addUsers(call, batch, addresses, started ? 'Syncing' : 'Queued');
  } catch (error) {
    batchesOf(call.state).pop();
    migrationUsersOf(call.state).length = before;
    throw error;
  }
  call.emit(batchObject(call.state, batch));
};

const setMigrationBatch: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity', 'CompleteAfter', 'NotificationEmails', 'AddUsers', 'CSVData']);
  const batch = findBatch(call, requireIdentity(call));
  if (value(call, 'AddUsers') === true) {
    if (!has(call, 'CSVData')) throw exchangeError('The AddUsers switch needs the CSVData parameter: the CSV of the users to add.', 'MigrationPermanentException', 'InvalidArgument');
    if (/^completed/i.test(batch.Status) || batch.Status === 'Completing') {
      throw exchangeError(`Users can't be added to the migration batch '${batch.Identity}' because it is ${batch.Status}.`, 'MigrationBatchCannotBeModifiedException', 'InvalidOperation', batch.Identity);
    }
    const syncing = ['Syncing', 'Synced', 'SyncedWithErrors'].includes(batch.Status);
    const users = migrationUsersOf(call.state);
    const before = users.length;
    addUsers(call, batch, csvOf(call), syncing ? 'Syncing' : 'Queued');
    if (syncing && users.length > before) batch.Status = 'Syncing';
  } else if (has(call, 'CSVData')) {
    throw new NotSupportedError('Set-MigrationBatch -CSVData without -AddUsers is not supported by the simulator.');
  }
  if (has(call, 'CompleteAfter')) batch.CompleteAfterUTC = completeAfterOf(call);
  if (has(call, 'NotificationEmails')) {
    const raw = value(call, 'NotificationEmails');
    if (isMultiValuedChange(raw)) {
      // @{Add=…; Remove=…} changes the list; a plain value replaces it.
      const removed = new Set(raw.remove.map((item) => toStr(item).toLowerCase()));
      const next = batch.NotificationEmails.filter((address) => !removed.has(address.toLowerCase()));
      for (const address of raw.add.map(toStr)) if (!next.some((existing) => existing.toLowerCase() === address.toLowerCase())) next.push(address);
      batch.NotificationEmails = next;
    } else batch.NotificationEmails = addressesOf(call, 'NotificationEmails');
  }
  call.state.markDirty();
};

function setUsers(call: ExchangeCall, batch: MigrationBatchEntry, from: string[], to: string): void {
  for (const user of migrationUsersOf(call.state)) {
    if (user.BatchId.toLowerCase() === batch.Identity.toLowerCase() && from.includes(user.Status)) {
      user.Status = to;
      if (to === 'Syncing') user.ErrorSummary = '';
    }
  }
  recount(call.state, batch);
}

const startMigrationBatch: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity']);
  const batch = findBatch(call, requireIdentity(call));
  if (!['Created', 'Stopped', 'Failed', 'SyncedWithErrors'].includes(batch.Status)) {
    throw exchangeError(`The migration batch '${batch.Identity}' can't be started because it is ${batch.Status}.`, 'MigrationBatchCannotBeStartedException', 'InvalidOperation', batch.Identity);
  }
  batch.Status = 'Syncing';
  setUsers(call, batch, ['Queued', 'Stopped', 'Failed'], 'Syncing');
};

const stopMigrationBatch: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity']);
  const batch = findBatch(call, requireIdentity(call));
  if (batch.Status !== 'Syncing') {
    throw exchangeError(`The migration batch '${batch.Identity}' can't be stopped because it is ${batch.Status}.`, 'MigrationBatchCannotBeStoppedException', 'InvalidOperation', batch.Identity);
  }
  batch.Status = 'Stopped';
  setUsers(call, batch, ['Syncing', 'Queued'], 'Stopped');
};

const completeMigrationBatch: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity']);
  requireNoPrompt(call);
  const batch = findBatch(call, requireIdentity(call));
  if (batch.Status !== 'Synced' && batch.Status !== 'SyncedWithErrors') {
    throw exchangeError(`The migration batch '${batch.Identity}' can't be completed because it is ${batch.Status}; only a Synced batch can be completed.`, 'MigrationBatchCannotBeCompletedException', 'InvalidOperation', batch.Identity);
  }
  batch.Status = 'Completing';
  batch.CompleteAfterUTC = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  call.state.markDirty();
};

const removeMigrationBatch: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity']);
  requireNoPrompt(call);
  const batch = findBatch(call, requireIdentity(call));
  if (RUNNING.has(batch.Status.toLowerCase())) {
    throw exchangeError(`The migration batch '${batch.Identity}' can't be removed because it is ${batch.Status}. Stop it first, or wait until it completes.`, 'MigrationBatchCannotBeRemovedException', 'InvalidOperation', batch.Identity);
  }
  call.state.snapshot.MigrationBatch = batchesOf(call.state).filter((b) => b !== batch);
  call.state.snapshot.MigrationUser = migrationUsersOf(call.state).filter((u) => u.BatchId.toLowerCase() !== batch.Identity.toLowerCase());
  call.state.markDirty();
};

const getMigrationBatch: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity']);
  const identity = stringValue(call, 'Identity');
  if (identity !== null) {
    call.emit(batchObject(call.state, findBatch(call, identity)));
    return;
  }
  emitList(call, batchesOf(call.state).map((batch) => batchObject(call.state, batch)));
};

const getMigrationUser: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity', 'EmailAddress', 'BatchId']);
  const identity = stringValue(call, 'Identity') ?? stringValue(call, 'EmailAddress');
  const batchId = stringValue(call, 'BatchId');
  if (identity !== null) {
    const user = migrationUsersOf(call.state).find((u) => u.Identity.toLowerCase() === identity.toLowerCase());
    if (!user) throw notFound(call.state, identity);
    call.emit(userObject(user));
    return;
  }
  emitList(call, migrationUsersOf(call.state).filter((u) => batchId === null || u.BatchId.toLowerCase() === batchId.toLowerCase()).map(userObject));
};

export const batchCmdlets: Record<string, ExchangeCmdlet> = {
  'New-MigrationBatch': newMigrationBatch,
  'Set-MigrationBatch': setMigrationBatch,
  'Start-MigrationBatch': startMigrationBatch,
  'Stop-MigrationBatch': stopMigrationBatch,
  'Complete-MigrationBatch': completeMigrationBatch,
  'Remove-MigrationBatch': removeMigrationBatch,
  'Get-MigrationBatch': getMigrationBatch,
  'Get-MigrationUser': getMigrationUser,
};
