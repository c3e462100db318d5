// export: run the read script for each tenant and write `<state>/<tenant>.json` atomically. Any
// problem (pwsh missing or failing, output cut short, not JSON, a kind missing) is an error naming
// the tenant, and no file of that tenant is written.

import type { DesiredState, Resource } from '../model/desired.js';
import { scopeGroupName } from '../model/desired.js';
import { SNAPSHOT_VERSION, type Snapshot } from '../model/snapshot.js';
import { checkSnapshot, readSnapshots, SnapshotError, snapshotPath } from '../load/snapshot.js';
import { isUnsetGuid } from '../plan/compare.js';
import { LiveTenant } from '../plan/live.js';
import { connectionSecretNames } from '../powershell/session.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { redact, secretValues } from '../util/redact.js';
import { exportScript, SNAPSHOT_BEGIN, SNAPSHOT_END } from '../powershell/export-script.js';
import type { RetrySettings } from '../powershell/retry.js';
import { runScript, stderrTail } from '../process/pwsh.js';

export interface ExportOptions {
  env: NodeJS.ProcessEnv;
  retry?: Partial<RetrySettings>;
  cwd?: string;
  timeoutMs?: number;
  now?: () => Date;
}

/** Group names the repository manages or publishes in a tenant: the only groups whose members are read. */
export function groupsToRead(desired: DesiredState, tenant: string): string[] {
  const names = new Map<string, string>();
  for (const scope of desired.scopes) if (scope.tenant === tenant) names.set(scopeGroupName(scope).toLowerCase(), scopeGroupName(scope));
  for (const rel of desired.relationships) {
    if (rel.tenant !== tenant) continue;
    for (const group of rel.spec.mailboxMovePublishedScopes ?? []) names.set(group.toLowerCase(), group);
  }
  for (const batch of desired.batches) {
    if (batch.spec.source === tenant && batch.spec.scope !== undefined && batch.spec.ensure !== 'Absent') names.set(batch.spec.scope.toLowerCase(), batch.spec.scope);
  }
  return [...names.values()].sort();
}

/**
 * Source mailboxes in a tenant that the repository links to a target mail user (MailUser
 * spec.source.mailbox where spec.source.tenant is this tenant): the only mailboxes whose statistics
 * the export reads, one call each. Sorted, each once (case-insensitive).
 */
export function linkedMailboxesToRead(desired: DesiredState, tenant: string): string[] {
  const names = new Map<string, string>();
  for (const user of desired.mailUsers) {
    const source = user.spec.source;
    if (source && source.tenant === tenant && source.mailbox) names.set(source.mailbox.toLowerCase(), source.mailbox);
  }
  // The users of a batch move from this tenant: their target mail users are derived, not declared.
  for (const batch of desired.batches) {
    if (batch.spec.source !== tenant || batch.spec.ensure === 'Absent') continue;
    for (const user of desired.batchUsers.get(batch) ?? []) names.set(user.address.toLowerCase(), user.address);
  }
  return [...names.values()].sort();
}

const presentBatches = (desired: DesiredState) => desired.batches.filter((batch) => batch.spec.ensure !== 'Absent');

/** Tenants that batches move mailboxes into: their delegate reads need the sources' snapshots. */
export function batchTargets(desired: DesiredState): Set<string> {
  return new Set(presentBatches(desired).map((batch) => batch.tenant!));
}

/**
 * Whose delegates the export reads in a tenant (plan/delegation.ts), or undefined when none:
 *   - as a batch source: every batch user, by the address its batch lists;
 *   - as a batch target: the batch users' mailboxes that moved in, by their source ExchangeGuid (from
 *     the source's snapshot, exported first; a source without a snapshot gives none);
 *   - mail users of the tenant that declare spec.permissions, by name and primary address.
 */
export function permissionsToRead(desired: DesiredState, tenant: string, sources: ReadonlyMap<string, Snapshot>): { mailboxes: string[]; exchangeGuids: string[] } | undefined {
  const mailboxes = new Map<string, string>();
  const exchangeGuids = new Set<string>();
  let reads = false;
  for (const batch of presentBatches(desired)) {
    if (batch.spec.source === tenant) {
      reads = true;
      for (const user of desired.batchUsers.get(batch) ?? []) mailboxes.set(user.address.toLowerCase(), user.address);
    }
    if (batch.tenant === tenant) {
      reads = true;
      const source = sources.get(batch.spec.source);
      const live = source ? new LiveTenant(source) : undefined;
      for (const user of live ? (desired.batchUsers.get(batch) ?? []) : []) {
        const guid = live!.recipient(user.address)?.entry.ExchangeGuid;
        if (guid && !isUnsetGuid(guid)) exchangeGuids.add(guid.toLowerCase());
      }
    }
  }
  for (const user of desired.mailUsers) {
    if (user.tenant !== tenant || !user.spec.permissions) continue;
    reads = true;
    for (const name of [user.name, user.spec.primarySmtpAddress]) if (name) mailboxes.set(name.toLowerCase(), name);
  }
  if (!reads) return undefined;
  return { mailboxes: [...mailboxes.values()].sort(), exchangeGuids: [...exchangeGuids].sort() };
}

export async function exportTenant(desired: DesiredState, tenant: Resource<'Tenant'>, options: ExportOptions, sources: ReadonlyMap<string, Snapshot> = new Map()): Promise<Snapshot> {
  const permissions = permissionsToRead(desired, tenant.name, sources);
  const script = exportScript(tenant, {
    groups: groupsToRead(desired, tenant.name),
    linkedMailboxes: linkedMailboxesToRead(desired, tenant.name),
    batches: desired.batches.some((batch) => batch.tenant === tenant.name),
    ...(permissions ? { permissions } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
  });
  const readsEnv = connectionSecretNames(tenant.spec);
  const result = await runScript(script, { ...options, readsEnv });
  const secrets = secretValues(options.env, readsEnv);
  const fail = (message: string): never => {
    throw new SnapshotError(tenant.name, redact(message, secrets));
  };
  if (result.failure === 'not-found') {
    fail(`${result.message}: install PowerShell 7 and the ExchangeOnlineManagement module, or set EXO_GITOPS_PWSH`);
  }
  if (result.failure === 'timed-out') fail(`export did not finish within ${options.timeoutMs} ms`);
  if (result.failure === 'killed') fail('export was stopped before it finished');
  if (result.failure === 'exited') fail(`export failed (exit code ${result.exitCode}):\n${stderrTail(redact(result.stderr, secrets)) || '(no error output)'}`);

  const begin = result.stdout.indexOf(SNAPSHOT_BEGIN);
  const end = result.stdout.indexOf(SNAPSHOT_END, begin + 1);
  if (begin === -1) fail('export printed no snapshot: is this the Exchange Online PowerShell the tool expects?');
  if (end === -1) fail('the export output was cut short (no end marker): the snapshot is incomplete');
  const body = result.stdout.slice(begin + SNAPSHOT_BEGIN.length, end).trim();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(body) as Record<string, unknown>;
  } catch (error) {
    return fail(`the export output is not valid JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) fail('the export output is not a JSON object');
  // The tenant ID is the live tenant's (Get-OrganizationConfig ExternalDirectoryOrganizationId), never
  // the YAML's: the plan compares the two (TenantIdMismatch).
  const { tenant: live, ...collections } = parsed as { tenant?: { tenantId?: unknown } } & Record<string, unknown>;
  const tenantId = typeof live?.tenantId === 'string' ? live.tenantId.trim().toLowerCase() : '';
  if (tenantId === '') fail('Exchange printed no tenant ID (Get-OrganizationConfig ExternalDirectoryOrganizationId): is this the Exchange Online PowerShell the tool expects?');
  const snapshot = {
    snapshotVersion: SNAPSHOT_VERSION,
    tenant: { name: tenant.name, tenantId, organization: tenant.spec.organization },
    exportedAt: (options.now?.() ?? new Date()).toISOString(),
    ...collections,
  };
  return checkSnapshot(snapshot, tenant.name);
}

export interface ExportedTenant {
  tenant: string;
  file: string;
  snapshot: Snapshot;
  durationMs: number;
}

/** A snapshot already in the state directory, or none (missing or unreadable: the caller does without). */
function snapshotOnDisk(stateDirectory: string, tenant: string): Snapshot | undefined {
  try {
    return readSnapshots(stateDirectory, [tenant]).get(tenant);
  } catch {
    return undefined;
  }
}

/**
 * Export several tenants in parallel (each in its own pwsh); write only when every one succeeded.
 * Batch targets go second: which of their mailboxes' delegates to read depends on the sources'
 * ExchangeGuids (this run's source snapshots, else the ones already in the state directory).
 */
export async function exportTenants(desired: DesiredState, tenants: readonly Resource<'Tenant'>[], stateDirectory: string, options: ExportOptions): Promise<ExportedTenant[]> {
  const exportOne = async (tenant: Resource<'Tenant'>, sources: ReadonlyMap<string, Snapshot>): Promise<ExportedTenant> => {
    const started = performance.now();
    const snapshot = await exportTenant(desired, tenant, options, sources);
    return { tenant: tenant.name, file: snapshotPath(stateDirectory, tenant.name), snapshot, durationMs: Math.round(performance.now() - started) };
  };
  const targets = batchTargets(desired);
  const first = await Promise.allSettled(tenants.filter((t) => !targets.has(t.name)).map((tenant) => exportOne(tenant, new Map())));
  const sources = new Map<string, Snapshot>();
  for (const result of first) if (result.status === 'fulfilled') sources.set(result.value.tenant, result.value.snapshot);
  for (const batch of presentBatches(desired)) {
    if (!sources.has(batch.spec.source)) {
      const onDisk = snapshotOnDisk(stateDirectory, batch.spec.source);
      if (onDisk) sources.set(batch.spec.source, onDisk);
    }
  }
  const second = await Promise.allSettled(tenants.filter((t) => targets.has(t.name)).map((tenant) => exportOne(tenant, sources)));
  const results = [...first, ...second];
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as Error);
  if (failures.length > 0) throw new AggregateError(failures, failures.map((f) => f.message).join('\n'));
  const exported = results.map((r) => (r as PromiseFulfilledResult<ExportedTenant>).value);
  for (const e of exported) await writeFileAtomic(e.file, `${JSON.stringify(e.snapshot, null, 2)}\n`);
  return exported;
}
