// export: run the read script for each tenant and write `<state>/<tenant>.json` atomically. Any
// problem (pwsh missing or failing, output cut short, not JSON, a kind missing) is an error naming
// the tenant, and no file of that tenant is written.

import type { DesiredState, Resource } from '../model/desired.js';
import { scopeGroupName } from '../model/desired.js';
import { recordExportDigest, SNAPSHOT_VERSION, type Snapshot } from '../model/snapshot.js';
import { checkSnapshot, SnapshotError, snapshotPath } from '../load/snapshot.js';
import { readSnapshotFile, SnapshotFileError, writeSnapshotFile } from '../load/snapshot-file.js';
import { deriveSnapshotDigest, snapshotDigest } from '../plan/digest.js';
import { throughAddressMap } from '../plan/batches.js';
import { connectionSecretNames } from '../powershell/session.js';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redact, secretValues } from '../util/redact.js';
import { exportScript, SNAPSHOT_FILE_ENV, type PermissionReads } from '../powershell/export-script.js';
import type { RetrySettings } from '../powershell/retry.js';
import { runScript, stderrTail } from '../process/pwsh.js';
import { DEFAULT_TENANT_CONCURRENCY, settleWithConcurrency } from '../util/concurrency.js';

export interface ExportOptions {
  env: NodeJS.ProcessEnv;
  retry?: Partial<RetrySettings>;
  cwd?: string;
  timeoutMs?: number;
  now?: () => Date;
  /** At most this many tenants read at once, one PowerShell each (default DEFAULT_TENANT_CONCURRENCY). */
  concurrency?: number;
  /** A status line for a person on a terminal, redrawn while tenants are read ('' clears it). */
  progress?: (text: string) => void;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** "⠹ exporting northwind 4.1 s, contoso 4.1 s; done: fabrikam": which tenants are still being read, and for how long. */
export function exportStatus(frame: number, running: ReadonlyMap<string, number>, done: readonly string[], now: number): string {
  const reading = [...running].map(([tenant, started]) => `${tenant} ${((now - started) / 1000).toFixed(1)} s`).join(', ');
  return `${SPINNER[frame % SPINNER.length]} exporting ${reading}${done.length > 0 ? `; done: ${done.join(', ')}` : ''}`;
}

/** Group names the repository manages, publishes or names as a delegate in a tenant: the only groups read. */
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
  // Delegates a MailUser declares may be mail-enabled security groups: the plan looks them up among
  // the groups read (one that is not a group is simply not found).
  for (const user of desired.mailUsers) {
    const permissions = user.spec.permissions;
    if (user.tenant !== tenant || !permissions) continue;
    for (const delegate of [...(permissions.sendAs ?? []), ...(permissions.sendOnBehalf ?? []), ...(permissions.fullAccess ?? []).map((grant) => grant.user)]) names.set(delegate.toLowerCase(), delegate);
  }
  return [...names.values()].sort();
}

/**
 * Source mailboxes in a tenant that the repository links to a target mail user (MailUser
 * spec.source.mailbox where spec.source.tenant is this tenant): the only mailboxes whose statistics
 * the export reads, one call each, and of those only the ones whose Recoverable Items quota is above
 * the default (export-script.ts). Sorted, each once (case-insensitive).
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

/**
 * Whose delegates the export reads in a tenant (plan/delegation.ts), or undefined when none. From the
 * YAML and the tenant's own state only, so a tenant exported alone (per-tenant apply) reads what a
 * full export reads:
 *   - `users`: as a batch source, every batch user by the address its batch lists (a mailbox, or the
 *     mail user a moved one became);
 *   - `mailboxes` (mailboxes only): as a batch target, where its users' mailboxes are once moved in
 *     (the listed address through the batch's addressMap, the names of declared MailUsers moving from
 *     the batch's source), and the MailUsers of the tenant that declare spec.permissions;
 *   - `migrationUsers`: batches are declared here, so every migration user's mailbox too (Exchange's
 *     own list of who moves in, while the batch exists).
 */
export function permissionsToRead(desired: DesiredState, tenant: string): PermissionReads | undefined {
  const users = new Map<string, string>();
  const mailboxes = new Map<string, string>();
  const add = (map: Map<string, string>, name: string | undefined) => {
    if (name) map.set(name.toLowerCase(), name);
  };
  let reads = false;
  const movingFrom = new Set<string>();
  for (const batch of presentBatches(desired)) {
    const listed = desired.batchUsers.get(batch) ?? [];
    if (batch.spec.source === tenant) {
      reads = true;
      for (const user of listed) add(users, user.address);
    }
    if (batch.tenant === tenant) {
      reads = true;
      movingFrom.add(batch.spec.source);
      for (const user of listed) add(mailboxes, throughAddressMap(batch, user.address) ?? user.address);
    }
  }
  for (const user of desired.mailUsers) {
    if (user.tenant !== tenant) continue;
    const moving = user.spec.source !== undefined && movingFrom.has(user.spec.source.tenant);
    if (!moving && !user.spec.permissions) continue;
    reads = true;
    add(mailboxes, user.name);
    add(mailboxes, user.spec.primarySmtpAddress);
  }
  if (!reads) return undefined;
  const sorted = (map: Map<string, string>) => [...map.values()].sort();
  return { users: sorted(users), mailboxes: sorted(mailboxes), migrationUsers: desired.batches.some((batch) => batch.tenant === tenant) };
}

export async function exportTenant(desired: DesiredState, tenant: Resource<'Tenant'>, options: ExportOptions): Promise<Snapshot> {
  const permissions = permissionsToRead(desired, tenant.name);
  // The script writes the snapshot's lines into a file of its own folder, removed whatever happens.
  const folder = await mkdtemp(join(tmpdir(), 'exo-gitops-export-'));
  try {
    const snapshotFile = join(folder, `${tenant.name}.jsonl`);
    const script = exportScript(tenant, {
      groups: groupsToRead(desired, tenant.name),
      linkedMailboxes: linkedMailboxesToRead(desired, tenant.name),
      batches: desired.batches.some((batch) => batch.tenant === tenant.name),
      ...(permissions ? { permissions } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
    });
    const readsEnv = connectionSecretNames(tenant.spec);
    const result = await runScript(script, { ...options, env: { ...options.env, [SNAPSHOT_FILE_ENV]: snapshotFile }, readsEnv: [...readsEnv, SNAPSHOT_FILE_ENV] });
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
    if (!existsSync(snapshotFile)) fail('export wrote no snapshot: is this the Exchange Online PowerShell the tool expects?');

    let parsed: Record<string, unknown>;
    try {
      const read = readSnapshotFile(snapshotFile);
      if (read.format !== 'lines') fail('the export output is not a snapshot in lines (a header line first)');
      parsed = read.value;
    } catch (error) {
      if (!(error instanceof SnapshotFileError)) throw error;
      return fail(`the export output ${error.message.slice(snapshotFile.length + 1)}`);
    }
    // The tenant ID is the live tenant's (Get-OrganizationConfig ExternalDirectoryOrganizationId), never
    // the YAML's: the plan compares the two (TenantIdMismatch).
    const { tenant: live, snapshotVersion: _unused, exportedAt: _none, ...collections } = parsed as { tenant?: { tenantId?: unknown } } & Record<string, unknown>;
    const tenantId = typeof live?.tenantId === 'string' ? live.tenantId.trim().toLowerCase() : '';
    if (tenantId === '') fail('Exchange printed no tenant ID (Get-OrganizationConfig ExternalDirectoryOrganizationId): is this the Exchange Online PowerShell the tool expects?');
    const snapshot = checkSnapshot(
      {
        snapshotVersion: SNAPSHOT_VERSION,
        tenant: { name: tenant.name, tenantId, organization: tenant.spec.organization },
        exportedAt: (options.now?.() ?? new Date()).toISOString(),
        ...collections,
      },
      tenant.name,
    );
    // Derived once, here: written with the snapshot, and kept with the object for a plan made from it now.
    recordExportDigest(snapshot, deriveSnapshotDigest(snapshot));
    return snapshot;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

export interface ExportedTenant {
  tenant: string;
  file: string;
  snapshot: Snapshot;
  durationMs: number;
}

/**
 * Export several tenants in parallel, each in its own pwsh, at most `concurrency` at once (every
 * PowerShell session holds its tenant's objects: 40 at once would hold 40 tenants' worth); write
 * only when every one succeeded.
 */
export async function exportTenants(desired: DesiredState, tenants: readonly Resource<'Tenant'>[], stateDirectory: string, options: ExportOptions): Promise<ExportedTenant[]> {
  // On a terminal, a spinner says which tenants are still being read: an export of 50,000 mail users takes minutes.
  const running = new Map<string, number>();
  const done: string[] = [];
  let frame = 0;
  const draw = (): void => options.progress?.(exportStatus(frame++, running, done, performance.now()));
  const timer = options.progress ? setInterval(draw, 100) : undefined;
  let results: PromiseSettledResult<ExportedTenant>[];
  try {
    results = await settleWithConcurrency(tenants, options.concurrency ?? DEFAULT_TENANT_CONCURRENCY, async (tenant) => {
        const started = performance.now();
        running.set(tenant.name, started);
        draw();
        try {
          const snapshot = await exportTenant(desired, tenant, options);
          return { tenant: tenant.name, file: snapshotPath(stateDirectory, tenant.name), snapshot, durationMs: Math.round(performance.now() - started) };
        } finally {
          running.delete(tenant.name);
          done.push(tenant.name);
        }
      });
  } finally {
    if (timer) clearInterval(timer);
    options.progress?.('');
  }
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as Error);
  if (failures.length > 0) throw new AggregateError(failures, failures.map((f) => f.message).join('\n'));
  const exported = results.map((r) => (r as PromiseFulfilledResult<ExportedTenant>).value);
  for (const e of exported) writeSnapshotFile(e.file, e.snapshot as unknown as Record<string, unknown>, snapshotDigest(e.snapshot));
  return exported;
}
